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
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count == 24, let data = Data(base64Encoded: trimmed) else { return false }
        return data.count == 16
    }
}
