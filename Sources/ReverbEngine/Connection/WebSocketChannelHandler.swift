import Synchronization
import Foundation
import NIOCore
import NIOWebSocket

/// The NIO side of one upgraded socket: turns frames into engine calls, runs keep-alive and the rate limit.
/// Lives on its channel's event loop only.
final class WebSocketChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let engine: Engine
    private let app: Application?
    private let origin: String?
    private var handle: ConnectionHandle?
    private var keepAlive: KeepAlive
    private var rateLimiter: RateLimiter?
    private var assembler: MessageAssembler
    private var keepAliveTimer: Scheduled<Void>?
    private var slowClientTimer: Scheduled<Void>?
    private var closing = false
    private var closeSent = false

    init(engine: Engine, app: Application?, origin: String?) {
        self.engine = engine
        self.app = app
        self.origin = origin
        let pingInterval = TimeAmount.seconds(Int64(app?.pingInterval ?? 60))
        self.keepAlive = KeepAlive(
            pingInterval: pingInterval, pongTimeout: .seconds(Int64(engine.configuration.pongTimeout)), now: .now())
        self.rateLimiter = app?.rateLimit.map(RateLimiter.init(limit:))
        self.assembler = MessageAssembler(maxMessageSize: app?.maxMessageSize ?? 0)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Unknown key: Reverb's 4001, then a close frame so pusher-js does not retry (docs/protocol.md, Fatal errors).
        guard let app else { return refuse(with: .applicationDoesNotExist, context: context) }
        let encoder = try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
        let handle = ConnectionHandle(
            socketID: SocketID.random(), app: app, origin: origin, channel: context.channel, frameOutput: encoder)
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
        sendFrame(.text, ServerMessage.error(error), context: context, flush: false)
        closeWith(code: error.code, reason: error.message, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepAliveTimer?.cancel()
        slowClientTimer?.cancel()
        if let handle {
            self.handle = nil
            engine.closed(handle)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if closeSent, frame.opcode == .connectionClose {
            // The client answered our close frame: the closing handshake is complete.
            return context.close(promise: nil)
        }
        guard !closing, let handle else { return }
        guard frame.maskKey != nil else {
            return closeWith(code: 1002, reason: "Client frames must be masked", context: context)
        }
        let now = NIODeadline.now()
        switch frame.opcode {
        case .ping:
            keepAlive.controlFrameReceived(now: now)
            handle.markSeen(Date())
            sendFrame(.pong, frame.unmaskedData, context: context, flush: true)
        case .pong:
            keepAlive.controlFrameReceived(now: now)
            handle.markSeen(Date())
        case .connectionClose:
            var payload = frame.unmaskedData
            let code = payload.readInteger(as: UInt16.self).map(Int.init) ?? 1000
            closeWith(code: code, reason: "", context: context, awaitReply: false)
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
        keepAlive.touch(now: now)
        handle.markSeen(Date())
        handle.messagesIn.add(1, ordering: .relaxed)
        engine.totals.messagesIn.add(1, ordering: .relaxed)
        engine.metrics.received(appID: handle.app.id)
        if rateLimiter?.allow(now: now) == false {
            if handle.app.rateLimit?.terminateOnLimit == true {
                closing = true
                engine.fail(handle, with: .rateLimitExceeded)
            } else {
                engine.reject(handle, with: .rateLimitExceeded)
            }
            return
        }
        do {
            let message = try ClientMessage.decode(text)
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

    /// A socket that leaves `writeBufferLimit` bytes unread for `slowClientTimeout` seconds is dropped, so one
    /// stalled client cannot make the server hold an ever-growing queue. Its buffer is full, so no close frame
    /// can reach it: the TCP connection is simply closed, and pusher-js reconnects.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !context.channel.isWritable, slowClientTimer == nil, let handle {
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let timeout = TimeAmount.seconds(Int64(engine.configuration.slowClientTimeout))
            slowClientTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                let context = loopBoundContext.value
                guard !context.channel.isWritable else { return }
                self.engine.metrics.slowClientDropped()
                ProductionLog.slowClientDropped(handle, logger: self.engine.logger)
                self.engine.events.emit {
                    EngineEvent(
                        kind: .error, appID: handle.app.id, socketID: handle.socketID, code: 4100,
                        detail: "Client is not reading its messages; connection dropped")
                }
                context.close(promise: nil)
            }
        } else if context.channel.isWritable {
            slowClientTimer?.cancel()
            slowClientTimer = nil
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Keep-alive

    private func scheduleKeepAlive(context: ChannelHandlerContext) {
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        keepAliveTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: keepAlive.nextCheck) {
            self.keepAliveFired(context: loopBoundContext.value)
        }
    }

    private func keepAliveFired(context: ChannelHandlerContext) {
        guard let handle, !closing else { return }
        switch keepAlive.tick(now: .now()) {
        case .none:
            break
        case .ping(let useControlFrame):
            if useControlFrame {
                sendFrame(.ping, context.channel.allocator.buffer(capacity: 0), context: context, flush: true)
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

    private func sendFrame(_ opcode: WebSocketOpcode, _ data: ByteBuffer, context: ChannelHandlerContext, flush: Bool) {
        let frame = WebSocketFrame(fin: true, opcode: opcode, data: data)
        if flush {
            context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        } else {
            context.write(wrapOutboundOut(frame), promise: nil)
        }
    }

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
        keepAliveTimer?.cancel()
        var payload = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.writeInteger(UInt16(truncatingIfNeeded: code))
        payload.writeString(reason)
        let channel = context.channel
        let written = context.writeAndFlush(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)))
        if awaitReply {
            channel.eventLoop.scheduleTask(in: Self.closeReplyTimeout) { channel.close(promise: nil) }
        } else {
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    static let closeReplyTimeout = TimeAmount.seconds(1)

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let request = event as? CloseRequest {
            closeWith(code: request.code, reason: request.reason, context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Asks a connection's handler, from any thread, to close with a code.
struct CloseRequest: Sendable {
    var code: Int
    var reason: String
}
