import Crypto
import Foundation

/// Checks the `auth` of a private, presence or encrypted subscription: HMAC-SHA256 of
/// `socket_id:channel[:channel_data]` with the app secret, hex, after the `key:` prefix.
public enum ChannelAuthorizer {
    /// The hex signature a Laravel auth endpoint would produce.
    public static func signature(secret: String, socketID: String, channel: String, channelData: String?) -> String {
        var message = "\(socketID):\(channel)"
        if let channelData, !channelData.isEmpty { message += ":\(channelData)" }
        return HMACSigner.hexSignature(of: message, secret: secret)
    }

    /// True when `auth` (`key:signature`, or a bare signature) is right for this subscription.
    public static func isAuthorized(
        auth: String?, secret: String, socketID: String, channel: String, channelData: String?
    ) -> Bool {
        guard let auth, !auth.isEmpty else { return false }
        let provided = auth.firstIndex(of: ":").map { String(auth[auth.index(after: $0)...]) } ?? auth
        let expected = signature(secret: secret, socketID: socketID, channel: channel, channelData: channelData)
        return HMACSigner.constantTimeEquals(provided, expected)
    }
}

/// HMAC-SHA256 hex signatures and constant-time comparison, shared by channel auth and API signatures.
public enum HMACSigner {
    public static func hexSignature(of message: String, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return hex(code)
    }

    public static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares without an early exit, so timing does not reveal how much of a signature was right.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
