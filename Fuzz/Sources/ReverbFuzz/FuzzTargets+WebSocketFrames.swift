import NIOCore
import NIOEmbedded
import NIOWebSocket

extension FuzzTargets {
    /// Any bytes, cut into reads, through the engine's frame reader (`InboundFrameReader`) and through NIO's
    /// `ByteToMessageHandler(WebSocketFrameDecoder)` it replaces: the same frames and the same errors, in order.
    /// The first four bytes choose the read sizes (1 to 32, repeating); the rest is the stream.
    static func webSocketFrames(_ bytes: [UInt8]) {
        guard bytes.count >= 4 else { return }
        let sizes = bytes[..<4].map { 1 + Int($0 % 32) }
        let stream = Array(bytes[4...])
        var reads: [[UInt8]] = []
        var start = 0
        var turn = 0
        while start < stream.count {
            let end = min(stream.count, start + sizes[turn % 4])
            reads.append(Array(stream[start..<end]))
            start = end
            turn += 1
        }
        let maxFrameSize = 300
        let engine = readerEvents(reads, maxFrameSize: maxFrameSize)
        let nio = nioEvents(reads, maxFrameSize: maxFrameSize)
        precondition(engine == nio, "frame reader differs from NIO's decoder: \(engine) vs \(nio)")
    }

    private static func describe(_ error: any Error) -> String {
        if case ByteToMessageDecoderError.dataReceivedInErrorState(let first, let bytes) = error {
            return "after \(first): \(Array(bytes.readableBytesView))"
        }
        return "\(error)"
    }

    private static func readerEvents(_ reads: [[UInt8]], maxFrameSize: Int) -> [String] {
        var reader = InboundFrameReader(maxFrameSize: maxFrameSize)
        var events: [String] = []
        for read in reads {
            do {
                try reader.read(ByteBuffer(bytes: read)) { frame in
                    events.append(
                        "\(frame.firstByte) \(frame.maskKey.map(Array.init) ?? []) \(Array(frame.data.readableBytesView))"
                    )
                }
            } catch {
                events.append(describe(error))
            }
        }
        return events
    }

    private static func nioEvents(_ reads: [[UInt8]], maxFrameSize: Int) -> [String] {
        let recorder = FrameRecorder()
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        do {
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize)))
            try channel.pipeline.syncOperations.addHandler(recorder)
            for read in reads { try channel.writeInbound(ByteBuffer(bytes: read)) }
        } catch {
            preconditionFailure("embedded channel: \(error)")
        }
        return recorder.events
    }

    /// What NIO's decoder passes on, written as `readerEvents` writes it.
    private final class FrameRecorder: ChannelInboundHandler {
        typealias InboundIn = WebSocketFrame
        var events: [String] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            let first = (frame.fin ? 0x80 : 0) | frame.reservedBits.rawValue | UInt8(webSocketOpcode: frame.opcode)
            events.append("\(first) \(frame.maskKey.map(Array.init) ?? []) \(Array(frame.data.readableBytesView))")
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            events.append(FuzzTargets.describe(error))
        }
    }
}
