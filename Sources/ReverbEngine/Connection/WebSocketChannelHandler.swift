import Synchronization
import Foundation
import NIOCore
import NIOWebSocket

/// The NIO side of one upgraded socket: turns frames into engine calls, runs keep-alive and the rate limit.
/// Lives on its channel's event loop only.
final class WebSocketChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    /// Raw bytes: frames are read here (`InboundFrame`), not by a `ByteToMessageHandler` in front of this handler.
    typealias InboundIn = ByteBuffer

    private let engine: Engine
    /// The app's shared copy (nil for an unknown key); `app` reads it.
    private let sharedApp: ApplicationBox?
    private var app: Application? { sharedApp?.value }
    private let origin: String?
    private var handle: ConnectionHandle?
    /// Every frame this socket sends goes through it (docs/architecture.md, "The write path").
    private var writer: SocketWriter?
    private var keepAlive: KeepAlive
    private let rateLimiter: RateLimiterBox?
    private var assembler: MessageAssembler
    /// Frames are read here rather than by NIO's decoder in front: no handler, context or buffer per socket.
    private var frames: InboundFrameReader
    /// The loop's one keep-alive timer and its heap of deadlines rather than a timer per socket (docs/benchmarks.md,
    /// "Memory per connection"); nil until the socket is registered.
    private var keepAliveQueue: KeepAliveQueue?
    /// This socket's place in that heap (`DeadlineHeapMember`).
    var heapSlot = -1
    /// The context keep-alive works in; cleared when the socket closes (it points back at us).
    private var keepAliveContext: ChannelHandlerContext?
    private var closing = false
    private var closeSent = false

    convenience init(engine: Engine, app: Application?, origin: String?) {
        self.init(
            engine: engine, sharedApp: app.map(ApplicationBox.init), origin: origin,
            maxFrameSize: InboundFrame.maxFrameSize(for: engine.configuration))
    }

    init(engine: Engine, sharedApp: ApplicationBox?, origin: String?, maxFrameSize: Int) {
        self.engine = engine
        self.frames = InboundFrameReader(maxFrameSize: maxFrameSize)
        self.sharedApp = sharedApp
        self.origin = origin
        let app = sharedApp?.value
        let pingInterval = TimeAmount.seconds(Int64(app?.pingInterval ?? 60))
        self.keepAlive = KeepAlive(
            pingInterval: pingInterval, pongTimeout: .seconds(Int64(engine.configuration.pongTimeout)), now: .now())
        self.rateLimiter = app?.rateLimit.map { RateLimiterBox(RateLimiter(limit: $0)) }
        self.assembler = MessageAssembler(maxMessageSize: app?.maxMessageSize ?? 0)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Frames are encoded whole by `OutboundFrame`; no frame encoder sits below this handler (both upgrade paths
        // add this handler alone), so its own context writes to TLS or the socket.
        let socketID = SocketID.random()
        let writer = SocketWriter(socketID: socketID, output: context, totals: engine.totals)
        self.writer = writer
        // Unknown key: Reverb's 4001, then a close frame so pusher-js does not retry (docs/protocol.md, Fatal errors).
        guard let sharedApp else { return refuse(with: .applicationDoesNotExist, context: context) }
        let app = sharedApp.value
        let handle = ConnectionHandle(
            socketID: socketID, app: sharedApp, origin: origin, channel: context.channel, writer: writer)
        do {
            try engine.open(handle)
        } catch {
            engine.events.emit {
                EngineEvent(
                    kind: .error, appID: app.id, socketID: handle.socketID, code: error.code, detail: error.message)
            }
            return refuse(with: error, context: context)
        }
        self.handle = handle
        engine.reply(
            ServerMessage.connectionEstablished(socketID: handle.socketID, activityTimeout: app.activityTimeout),
            event: "pusher:connection_established", to: handle)
        scheduleKeepAlive(context: context)
    }

    /// Turns a socket away before it is registered: `pusher:error`, then a close frame with the same code.
    private func refuse(with error: PusherError, context: ChannelHandlerContext) {
        ProductionLog.connectionRefused(appID: app?.id, error, origin: origin, logger: engine.logger)
        writer?.send(OutboundFrame.text(ServerMessage.error(error)))
        closeWith(code: error.code, reason: error.message, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        keepAliveQueue?.cancel(self)
        keepAliveContext = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepAliveQueue?.cancel(self)
        keepAliveContext = nil
        if let handle {
            self.handle = nil
            engine.closed(handle)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // `frameReceived` never touches `frames`, which is being modified for the whole call.
        do {
            try frames.read(unwrapInboundIn(data)) { frameReceived($0, context: context) }
        } catch {
            errorCaught(context: context, error: error)
        }
    }

    private func frameReceived(_ frame: InboundFrame, context: ChannelHandlerContext) {
        if closeSent, frame.opcode == .connectionClose {
            // The client answered our close frame: the closing handshake is complete.
            return context.close(promise: nil)
        }
        guard !closing, let handle else { return }
        guard frame.maskKey != nil else {
            return closeWith(code: 1002, reason: "Client frames must be masked", context: context)
        }
        // No extension is ever negotiated, so every reserved bit must be clear.
        guard !frame.hasReservedBits else {
            return closeWith(code: 1002, reason: "Reserved bits set without a negotiated extension", context: context)
        }
        let now = NIODeadline.now()
        switch frame.opcode {
        case .ping:
            clientSeen(now: now, controlFrame: true, context: context)
            handle.markSeen(Date())
            writer?.send(OutboundFrame.pong(frame.unmaskedData), isMessage: false)
        case .pong:
            clientSeen(now: now, controlFrame: true, context: context)
            handle.markSeen(Date())
        case .connectionClose:
            let reply = CloseFrameCheck.reply(to: frame.unmaskedData)
            closeWith(code: reply.code, reason: reply.reason, context: context, awaitReply: false)
        case .text, .binary, .continuation:
            switch assembler.append(frame) {
            case .incomplete:
                break
            case .tooLarge:
                closeWith(code: 1009, reason: "Maximum message size exceeded", context: context)
            case .protocolViolation(let reason):
                closeWith(code: 1002, reason: reason, context: context)
            case .message(let buffer, let isText):
                guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
                    return closeWith(
                        code: 1007, reason: isText ? "Invalid UTF-8 in text message" : "Invalid UTF-8", context: context
                    )
                }
                messageReceived(text, handle: handle, now: now, context: context)
            }
        default:
            closeWith(code: 1002, reason: "Unknown opcode", context: context)
        }
    }

    private func messageReceived(
        _ text: String, handle: ConnectionHandle, now: NIODeadline, context: ChannelHandlerContext
    ) {
        clientSeen(now: now, controlFrame: false, context: context)
        handle.markSeen(Date())
        handle.messagesIn.add(1, ordering: .relaxed)
        engine.totals.messagesIn.add(1, ordering: .relaxed)
        engine.metrics.received(appID: handle.app.id)
        let decoded = Result(catching: { () throws(PusherError) -> ClientMessage in try ClientMessage.decode(text) })
        // Keep-alive is never rate limited: a client that is told off must still be able to prove it is alive.
        let isKeepAlive: Bool
        switch decoded {
        case .success(.ping), .success(.pong): isKeepAlive = true
        default: isKeepAlive = false
        }
        if !isKeepAlive, let verdict = rateLimiter?.limiter.check(now: now), verdict != .allowed {
            if verdict == .refusedSilently { return }
            if handle.app.rateLimit?.terminateOnLimit == true {
                closing = true
                engine.fail(handle, with: .rateLimitExceeded)
            } else {
                engine.reject(handle, with: .rateLimitExceeded)
            }
            return
        }
        do {
            let message = try decoded.get()
            engine.events.emit {
                EngineEvent(
                    kind: .messageReceived, appID: handle.app.id, socketID: handle.socketID,
                    event: message.eventName, payload: text)
            }
            engine.received(message, from: handle)
        } catch {
            engine.events.emit {
                EngineEvent(kind: .messageReceived, appID: handle.app.id, socketID: handle.socketID, payload: text)
            }
            engine.reject(handle, with: error)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength:
            closeWith(code: 1009, reason: "Maximum message size exceeded", context: context)
        case is NIOWebSocketError:
            closeWith(code: 1002, reason: "Protocol error", context: context)
        default:
            ProductionLog.protocolError(
                appID: app?.id, socketID: handle?.socketID, code: 1006, reason: "\(error)", logger: engine.logger)
            context.close(promise: nil)
        }
    }

    // MARK: Slow clients

    /// A socket whose unread output passes `write_buffer_limit` bytes (NIO's high water mark) is dropped at once,
    /// so memory per socket is bounded in bytes, not in time. Its queue is full, so neither `pusher:error` nor a
    /// close frame could reach it: the TCP connection is closed (pending output discarded) and the freed memory
    /// is handed back to the system. pusher-js reconnects.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !context.channel.isWritable, !closing {
            closing = true
            closeSent = true
            keepAliveQueue?.cancel(self)
            engine.totals.protection.slowClientsDropped.increment()
            let appID = app?.id ?? ""
            let socketID = writer?.socketID
            let limit = engine.configuration.writeBufferLimit
            engine.events.emit {
                EngineEvent(
                    kind: .error, appID: appID, socketID: socketID, code: 4100,
                    detail: "Over capacity: more than \(limit) bytes unread; connection dropped")
            }
            if let handle { ProductionLog.slowClientDropped(handle, logger: engine.logger) }
            context.close(promise: nil)
            context.channel.closeFuture.whenComplete { _ in MemoryTrim.afterLargeFree() }
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Keep-alive

    private func scheduleKeepAlive(context: ChannelHandlerContext) {
        keepAliveContext = context
        let queue = keepAliveQueue ?? KeepAliveQueue.of(context.eventLoop)
        keepAliveQueue = queue
        queue.schedule(self, at: keepAlive.nextCheck, on: context.eventLoop)
    }

    /// The loop's keep-alive queue reached this socket's deadline.
    func keepAliveDue() {
        guard let context = keepAliveContext else { return }
        keepAliveFired(context: context)
    }

    /// An answer to a ping moves the next check from the pong deadline back to a ping interval after now.
    private func clientSeen(now: NIODeadline, controlFrame: Bool, context: ChannelHandlerContext) {
        let awaitedPong = keepAlive.awaitsPong
        if controlFrame { keepAlive.controlFrameReceived(now: now) } else { keepAlive.touch(now: now) }
        guard awaitedPong, !closing else { return }
        scheduleKeepAlive(context: context)
    }

    private func keepAliveFired(context: ChannelHandlerContext) {
        guard let handle, !closing else { return }
        switch keepAlive.tick(now: .now()) {
        case .none:
            break
        case .ping(let useControlFrame):
            if useControlFrame {
                writer?.send(OutboundFrame.ping(), isMessage: false)
            } else {
                engine.reply(ServerMessage.ping, event: "pusher:ping", to: handle)
            }
            engine.events.emit { EngineEvent(kind: .ping, appID: handle.app.id, socketID: handle.socketID) }
        case .prune:
            closing = true
            engine.fail(handle, with: .pongNotReceived, kind: .prune)
            return
        }
        scheduleKeepAlive(context: context)
    }

    // MARK: Writing

    /// Sends a close frame, then waits up to `closeReplyTimeout` for the client's close frame before ending
    /// the TCP connection (RFC 6455 §7.1.1); an echo of the client's own close frame ends it at once.
    private func closeWith(code: Int, reason: String, context: ChannelHandlerContext, awaitReply: Bool = true) {
        closing = true
        guard !closeSent else { return }
        closeSent = true
        if awaitReply, code < 4000, code != 1000 {
            ProductionLog.protocolError(
                appID: app?.id, socketID: handle?.socketID, code: code, reason: reason, logger: engine.logger)
        }
        keepAliveQueue?.cancel(self)
        if Self.protocolErrorCodes.contains(code) {
            // Frame-level failures are errors an operator should see in --debug and the console's error filter.
            engine.totals.protection.protocolErrors.increment()
            let appID = app?.id ?? ""
            let socketID = writer?.socketID
            engine.events.emit {
                EngineEvent(kind: .error, appID: appID, socketID: socketID, code: code, detail: reason)
            }
        }
        let channel = context.channel
        guard let writer else { return channel.close(promise: nil) }
        if awaitReply {
            writer.send(OutboundFrame.close(code: code, reason: reason), isMessage: false)
            channel.eventLoop.scheduleTask(in: Self.closeReplyTimeout) { channel.close(promise: nil) }
        } else {
            writer.send(OutboundFrame.close(code: code, reason: reason), isMessage: false) {
                channel.close(promise: nil)
            }
        }
    }

    static let closeReplyTimeout = TimeAmount.seconds(1)
    /// Close codes the server sends because the client broke the WebSocket protocol.
    static let protocolErrorCodes: Set<Int> = [1002, 1003, 1007, 1009]

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let request = event as? CloseRequest {
            closeWith(code: request.code, reason: request.reason, context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

extension WebSocketChannelHandler: DeadlineHeapMember {}

/// Asks a connection's handler, from any thread, to close with a code.
struct CloseRequest: Sendable {
    var code: Int
    var reason: String
}
