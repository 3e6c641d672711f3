import Crypto
import Foundation

/// HMAC-SHA256 hex signatures and constant-time comparison, shared by channel auth and API signatures.
package enum HMACSigner {
    package static func hexSignature(of message: String, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data(message.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return hex(code)
    }

    package static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        @inline(__always) func digit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digit(byte >> 4))
            out.append(digit(byte & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares without an early exit, so timing does not reveal how much of a signature was right.
    package static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { a in
            rhs.withUTF8 { b in
                guard a.count == b.count else { return false }
                var difference: UInt8 = 0
                for index in 0..<a.count { difference |= a[index] ^ b[index] }
                return difference == 0
            }
        }
    }
}
