import Crypto
import Foundation

/// Pusher's signatures as a client computes them: channel auth and signed HTTP API requests.
///
/// Written apart from the engine's `HMACSigner` on purpose: tests that signed with the server's own code could not
/// catch a signing bug.
public enum PusherSigning {
    public static func hmacHex(_ message: String, secret: String) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(secret.utf8))))
    }

    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// `key:signature` for subscribing to a private or presence channel.
    public static func channelAuth(
        key: String, secret: String, socketID: String, channel: String, channelData: String? = nil
    ) -> String {
        var message = "\(socketID):\(channel)"
        if let channelData { message += ":\(channelData)" }
        return "\(key):\(hmacHex(message, secret: secret))"
    }

    /// The path and query of a signed API request, as pusher-http-php builds it.
    public static func signedTarget(
        method: String, path: String, body: String, key: String, secret: String, extra: [(String, String)] = [],
        timestamp: Int = Int(Date().timeIntervalSince1970), signedPath: String? = nil
    ) -> String {
        var params = extra + [("auth_key", key), ("auth_timestamp", String(timestamp)), ("auth_version", "1.0")]
        if !body.isEmpty {
            params.append(("body_md5", hex(Insecure.MD5.hash(data: Data(body.utf8)))))
        }
        let sorted = params.sorted { $0.0 < $1.0 }
        let query = sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let signature = hmacHex("\(method)\n\(signedPath ?? path)\n\(query)", secret: secret)
        let encoded = sorted.map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&")
        return "\(path)?\(encoded)&auth_signature=\(signature)"
    }

    static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}
