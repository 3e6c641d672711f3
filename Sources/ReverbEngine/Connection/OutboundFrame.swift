import NIOCore

/// Server-to-client WebSocket frames as bytes: unmasked, unfragmented, header and payload in one buffer.
///
/// Every frame the server sends is built here and written by `SocketWriter`, so a broadcast is encoded once and
/// the same buffer goes to every subscriber.
enum OutboundFrame {
    static let allocator = ByteBufferAllocator()

    /// A text frame carrying `payload`.
    static func text(_ payload: ByteBuffer) -> ByteBuffer {
        encode(opcode: 0x1, payload)
    }

    /// A ping frame (empty, as keep-alive sends it) or a pong echoing a ping's payload.
    static func ping() -> ByteBuffer { encode(opcode: 0x9, ByteBuffer()) }
    static func pong(_ payload: ByteBuffer) -> ByteBuffer { encode(opcode: 0xA, payload) }

    /// A close frame with a status code and an optional UTF-8 reason (cut to fit a control frame's 125 bytes).
    static func close(code: Int, reason: String) -> ByteBuffer {
        var payload = allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.writeInteger(UInt16(truncatingIfNeeded: code))
        var reasonBytes = Array(reason.utf8.prefix(123))
        // Never cut a multi-byte character in half: the reason must stay valid UTF-8.
        while !reasonBytes.isEmpty, String(validating: reasonBytes, as: UTF8.self) == nil { reasonBytes.removeLast() }
        payload.writeBytes(reasonBytes)
        return encode(opcode: 0x8, payload)
    }

    /// FIN set, no mask, the shortest of the three length forms.
    static func encode(opcode: UInt8, _ payload: ByteBuffer) -> ByteBuffer {
        let length = payload.readableBytes
        var buffer = allocator.buffer(capacity: length + 10)
        buffer.writeInteger(UInt8(0x80 | opcode))
        if length < 126 {
            buffer.writeInteger(UInt8(length))
        } else if length <= Int(UInt16.max) {
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        } else {
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
        var payload = payload
        buffer.writeBuffer(&payload)
        return buffer
    }
}
