import NIOCore
import NIOWebSocket

/// One WebSocket frame from a client, read by `WebSocketChannelHandler` straight from the socket's bytes.
///
/// Reading frames in the handler instead of through NIO's `ByteToMessageHandler(WebSocketFrameDecoder)` saves every
/// socket a handler object, a pipeline context and a cumulation buffer; bytes are kept only while a frame is split
/// across reads (docs/benchmarks.md, "Memory per connection"). `read(from:maxFrameSize:)` accepts exactly what NIO's decoder
/// accepts and fails at the same point with the same `NIOWebSocketError`, so every answer on the wire is unchanged.
struct InboundFrame {
    /// FIN, the three reserved bits and the opcode, as sent.
    let firstByte: UInt8
    let maskKey: WebSocketMaskingKey?
    /// The payload as sent (still masked).
    let data: ByteBuffer

    init(firstByte: UInt8, maskKey: WebSocketMaskingKey?, data: ByteBuffer) {
        self.firstByte = firstByte
        self.maskKey = maskKey
        self.data = data
    }

    init(fin: Bool = true, opcode: WebSocketOpcode, maskKey: WebSocketMaskingKey? = nil, data: ByteBuffer) {
        self.init(
            firstByte: (fin ? 0x80 : 0) | UInt8(webSocketOpcode: opcode), maskKey: maskKey, data: data)
    }

    var fin: Bool { firstByte & 0x80 != 0 }

    /// Whether any of RSV1, RSV2 and RSV3 is set.
    var hasReservedBits: Bool { firstByte & 0x70 != 0 }

    var opcode: WebSocketOpcode {
        // Every 4-bit value is an opcode, so this never fails.
        // swift-format-ignore: NeverForceUnwrap
        WebSocketOpcode(encodedWebSocketOpcode: firstByte & 0x0F)!
    }

    var unmaskedData: ByteBuffer {
        guard let maskKey else { return data }
        var unmasked = data
        unmasked.webSocketUnmask(maskKey)
        return unmasked
    }

    /// The largest frame any socket may send: the largest app `max_message_size`, and at least 64 KiB.
    static func maxFrameSize(for configuration: ServerConfiguration) -> Int {
        max(configuration.apps.map(\.maxMessageSize).max() ?? 0, 1 << 16)
    }

    /// Takes the first whole frame off the front of `buffer`; nil (and nothing taken) while it is incomplete.
    ///
    /// Throws as soon as the header's length is known to break a limit, before the mask or payload arrive, and in
    /// the order NIO's decoder checks: longer than `maxFrameSize`, a fragmented control frame, a control frame over
    /// 125 bytes.
    static func read(from buffer: inout ByteBuffer, maxFrameSize: Int) throws(NIOWebSocketError) -> InboundFrame? {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= 2, let first = buffer.getInteger(at: start, as: UInt8.self),
            let second = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return nil }
        var offset = start + 2
        let length: Int
        switch second & 0x7F {
        case 126:
            guard let word = buffer.getInteger(at: offset, as: UInt16.self) else { return nil }
            length = Int(word)
            offset += 2
        case 127:
            guard let quadWord = buffer.getInteger(at: offset, as: UInt64.self) else { return nil }
            guard quadWord <= UInt64(Int.max) else { throw .invalidFrameLength }
            length = Int(quadWord)
            offset += 8
        case let short:
            length = Int(short)
        }
        guard length <= maxFrameSize else { throw .invalidFrameLength }
        let isControl = first & 0x08 != 0
        guard !isControl || first & 0x80 != 0 else { throw .fragmentedControlFrame }
        guard !isControl || length <= 125 else { throw .multiByteControlFrameLength }
        var maskKey: WebSocketMaskingKey?
        if second & 0x80 != 0 {
            guard let bytes = buffer.viewBytes(at: offset, length: 4) else { return nil }
            maskKey = WebSocketMaskingKey(bytes)
            offset += 4
        }
        guard let data = buffer.getSlice(at: offset, length: length) else { return nil }
        buffer.moveReaderIndex(to: offset + length)
        return InboundFrame(firstByte: first, maskKey: maskKey, data: data)
    }
}
