import Crypto

/// The `Sec-WebSocket-Accept` answer to a handshake key (RFC 6455): base64 of SHA-1 over the key and the
/// protocol's fixed GUID.
enum WebSocketAccept {
    static func value(for key: String) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: Array(key.utf8))
        hasher.update(data: Array("258EAFA5-E914-47DA-95CA-C5AB0DC85B11".utf8))
        return base64(Array(hasher.finalize()))
    }

    /// Standard base64 with padding.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let first = UInt32(bytes[index])
            let second = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let third = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = first << 16 | second << 8 | third
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(index + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
