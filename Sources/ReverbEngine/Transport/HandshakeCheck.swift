import Foundation
import NIOHTTP1

/// The WebSocket upgrade rules NIO leaves to us: the request is a GET over HTTP/1.1 or later and carries one
/// `Sec-WebSocket-Key` that is base64 of 16 bytes. NIO checks the version header and the key's presence.
enum HandshakeCheck {
    /// Why an upgrade request is refused, as the HTTP answer it gets.
    struct Refusal: Error, Equatable {
        var status: HTTPResponseStatus
        var message: String
        var allow: String?
    }

    static func refusal(for head: HTTPRequestHead) -> Refusal? {
        guard head.method == .GET else {
            return Refusal(
                status: .methodNotAllowed, message: "A WebSocket upgrade must be a GET request.", allow: "GET")
        }
        guard head.version.major > 1 || (head.version.major == 1 && head.version.minor >= 1) else {
            return Refusal(status: .httpVersionNotSupported, message: "A WebSocket upgrade needs HTTP/1.1.")
        }
        let keys = head.headers["Sec-WebSocket-Key"]
        guard keys.count == 1, isValidKey(keys[0]) else {
            return Refusal(
                status: .badRequest,
                message: "Invalid WebSocket handshake: Sec-WebSocket-Key must be base64 of 16 bytes.")
        }
        return nil
    }

    /// 24 characters of base64 that decode to exactly 16 bytes.
    static func isValidKey(_ key: String) -> Bool {
        // What clients send (22 base64 digits, the last with its unused bits clear, then `==`) is checked on the
        // bytes; anything else is decoded to be sure.
        if isCanonicalKey(key) { return true }
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count == 24, let data = Data(base64Encoded: trimmed) else { return false }
        return data.count == 16
    }

    private static func isCanonicalKey(_ key: String) -> Bool {
        let bytes = key.utf8
        guard bytes.count == 24 else { return false }
        for (offset, byte) in bytes.enumerated() {
            switch offset {
            case 22, 23: guard byte == UInt8(ascii: "=") else { return false }
            case 21:
                // The last digit carries 2 bits of the 16th byte; its other 4 bits must be zero: A, Q, g or w.
                guard
                    byte == UInt8(ascii: "A") || byte == UInt8(ascii: "Q") || byte == UInt8(ascii: "g")
                        || byte == UInt8(ascii: "w")
                else { return false }
            default:
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                    continue
                default: return false
                }
            }
        }
        return true
    }
}
