import DequeModule
import NIOCore

/// The NIO side of one Redis connection: encodes commands, matches replies to them in order (so any number
/// may be in flight: pipelining), and hands pub/sub `message` pushes to `onPush`. Lives on its event loop.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var pending = Deque<EventLoopPromise<RESPValue>?>()
    private var received = ByteBuffer()
    private var closed = false
    private let onPush: (@Sendable (_ channel: String, _ payload: ByteBuffer) -> Void)?

    /// With `onPush`, the connection is a subscriber: `["message", channel, payload]` arrays are pushes.
    init(onPush: (@Sendable (_ channel: String, _ payload: ByteBuffer) -> Void)? = nil) {
        self.onPush = onPush
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard !closed else {
            request.promise?.fail(RedisError.connectionClosed)
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        pending.append(request.promise)
        var buffer = context.channel.allocator.buffer(capacity: 64)
        RESPEncoder.write(request.arguments, into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        received.writeBuffer(&chunk)
        do {
            while let value = try RESPDecoder.decode(&received) {
                if let onPush, case .array(let items) = value, items.count == 3, items[0].string == "message",
                    let channel = items[1].string, case .bulkString(let payload) = items[2]
                {
                    onPush(channel, payload)
                    continue
                }
                guard let promise = pending.popFirst() else { continue }
                if case .error(let text) = value {
                    promise?.fail(RedisError.reply(text))
                } else {
                    promise?.succeed(value)
                }
            }
        } catch {
            failAll(RedisError.malformed(error.description))
            context.close(promise: nil)
        }
        received.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        failAll(RedisError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func failAll(_ error: RedisError) {
        while let promise = pending.popFirst() { promise?.fail(error) }
    }
}
