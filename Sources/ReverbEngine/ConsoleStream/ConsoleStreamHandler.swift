import Foundation
import NIOCore
import NIOWebSocket

/// The server end of one attached console, on the upgraded WebSocket: starts a `ConsoleStreamPump` that sends
/// snapshots and events, and runs the commands the console sends (scoped to the app it signed for).
final class ConsoleStreamHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let engine: Engine
    private let app: Application
    private let ring: EventRing
    private var pump: Task<Void, Never>?
    private var closing = false
    /// A command split over continuation frames.
    private var partial: ByteBuffer?

    init(engine: Engine, app: Application) {
        self.engine = engine
        self.app = app
        self.ring = EventRing(capacity: ConsoleStreamPump.ringCapacity)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        engine.events.add(ring)
        let pump = ConsoleStreamPump(engine: engine, app: app, ring: ring, channel: context.channel)
        self.pump = Task { await pump.run() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    private func stop() {
        guard let pump else { return }
        pump.cancel()
        self.pump = nil
        engine.events.remove(ring)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            if frame.fin {
                handle(frame.unmaskedData, context: context)
            } else {
                partial = frame.unmaskedData
            }
        case .continuation:
            guard var buffer = partial else { return }
            var chunk = frame.unmaskedData
            buffer.writeBuffer(&chunk)
            guard buffer.readableBytes <= 1 << 20 else { return close(context: context, code: .messageTooLarge) }
            if frame.fin {
                partial = nil
                handle(buffer, context: context)
            } else {
                partial = buffer
            }
        case .ping:
            context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            close(context: context, code: .normalClosure)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close(context: context, code: .protocolError)
    }

    private func close(context: ChannelHandlerContext, code: WebSocketErrorCode) {
        guard !closing else { return }
        closing = true
        let channel = context.channel
        var data = channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
            .whenComplete { _ in channel.close(promise: nil) }
    }

    /// Decodes and runs one command, then sends its result.
    private func handle(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        let result: ConsoleStreamResult
        do {
            let command = try ConsoleStreamCoding.decoder().decode(
                ConsoleStreamCommand.self, from: Data(buffer.readableBytesView))
            result = run(command)
        } catch {
            result = ConsoleStreamResult(id: 0, ok: false, error: "not a console command: \(error)")
        }
        guard let data = try? ConsoleStreamCoding.encoder().encode(ConsoleStreamFrame(type: .result, result: result))
        else { return }
        let frame = WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(bytes: data))
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// Runs a command through the same engine calls as the in-process console and the HTTP API.
    func run(_ command: ConsoleStreamCommand) -> ConsoleStreamResult {
        guard command.appID == app.id else {
            return ConsoleStreamResult(
                id: command.id, ok: false, error: "this console is signed for app \(app.id), not \(command.appID)")
        }
        switch command.action {
        case .kick:
            guard let socketID = command.socketID, let code = command.code, (4000...4999).contains(code) else {
                return ConsoleStreamResult(id: command.id, ok: false, error: "kick needs socketID and a 4xxx code")
            }
            let closed = engine.closeConnection(appID: app.id, socketID: socketID, code: code)
            return ConsoleStreamResult(id: command.id, ok: closed, count: closed ? 1 : 0)
        case .terminate:
            guard let userID = command.userID else {
                return ConsoleStreamResult(id: command.id, ok: false, error: "terminate needs userID")
            }
            let closed = engine.terminateUser(appID: app.id, userID: userID)
            return ConsoleStreamResult(id: command.id, ok: closed > 0, count: closed)
        case .publish:
            guard let channel = command.channel, let event = command.event, let data = command.data else {
                return ConsoleStreamResult(id: command.id, ok: false, error: "publish needs channel, event and data")
            }
            do {
                let delivered = try engine.publish(
                    PublishRequest(appID: app.id, channels: [channel], event: event, data: data))
                return ConsoleStreamResult(id: command.id, ok: true, count: delivered)
            } catch {
                return ConsoleStreamResult(id: command.id, ok: false, error: String(describing: error))
            }
        }
    }
}
