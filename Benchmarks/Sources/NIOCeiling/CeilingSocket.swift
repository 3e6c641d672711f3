import NIOCore

/// The sockets of one event loop. Confined to that loop (held in a `NIOLoopBoundBox`), so no lock.
final class SocketRegistry {
    var sockets: [ObjectIdentifier: ChannelHandlerContext] = [:]
}

/// An upgraded WebSocket in the ceiling server. It sits at the head of the pipeline, so every write from its
/// context is the raw bytes of a pre-encoded frame and nothing else in the pipeline runs per broadcast.
/// It subscribes nothing: it greets, answers the first message with a generic `subscription_succeeded`
/// (so Pusher clients proceed), and ignores everything else.
final class CeilingSocket: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let established = frame(
        #"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.1\",\"activity_timeout\":30}"}"#)
    static let subscribed = frame(#"{"event":"pusher_internal:subscription_succeeded","data":"{}"}"#)

    private let registry: NIOLoopBoundBox<SocketRegistry>
    private var answered = false

    init(registry: NIOLoopBoundBox<SocketRegistry>) {
        self.registry = registry
    }

    static func frame(_ text: String) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeString(text)
        var out = ByteBuffer()
        out.writeInteger(0x81, as: UInt8.self)
        if payload.readableBytes < 126 {
            out.writeInteger(UInt8(payload.readableBytes))
        } else {
            out.writeInteger(126, as: UInt8.self)
            out.writeInteger(UInt16(payload.readableBytes))
        }
        out.writeBuffer(&payload)
        return out
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.registry.value.sockets[ObjectIdentifier(self)] = context
        context.writeAndFlush(Self.wrapOutboundOut(Self.established), promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.registry.value.sockets[ObjectIdentifier(self)] = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.registry.value.sockets[ObjectIdentifier(self)] = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Swallowed on purpose: the ceiling measures writing, not parsing.
        if !self.answered {
            self.answered = true
            context.writeAndFlush(Self.wrapOutboundOut(Self.subscribed), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension CeilingSocket: Sendable {}
