import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Why a WebSocket connection could not be opened.
public enum WebSocketClientError: Error, Sendable, Equatable {
    /// The server answered the handshake with something other than 101.
    case upgradeRefused(status: Int)
    case timedOut
}

/// A small real WebSocket client on SwiftNIO for tests: connect, send text or raw frames, receive frames.
public final class WebSocketClient: Sendable {
    public let channel: any Channel
    /// Headers of the server's 101 response.
    public let upgradeHeaders: [(name: String, value: String)]
    private let queue: FrameQueue

    init(channel: any Channel, upgradeHeaders: [(String, String)], queue: FrameQueue) {
        self.channel = channel
        self.upgradeHeaders = upgradeHeaders.map { (name: $0.0, value: $0.1) }
        self.queue = queue
    }

    /// Opens `ws://host:port/path` and completes the handshake.
    public static func connect(
        host: String = "127.0.0.1", port: Int, path: String, headers: [(String, String)] = [],
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, timeout: Duration = .seconds(5)
    ) async throws -> WebSocketClient {
        let queue = FrameQueue()
        let upgraded = group.any().makePromise(of: [(String, String)].self)
        let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
            let upgrader = NIOWebSocketClientUpgrader(
                maxFrameSize: 1 << 24, automaticErrorHandling: false,
                upgradePipelineHandler: { channel, response in
                    upgraded.succeed(response.headers.map { ($0.name, $0.value) })
                    return channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        pipeline.removeHandler(
                            context: try pipeline.context(name: UpgradeRequestSender.name), promise: nil)
                        try pipeline.addHandler(FrameCollector(queue: queue))
                    }
                })
            let request = UpgradeRequestSender(host: host, port: port, path: path, headers: headers, refused: upgraded)
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers(
                    leftOverBytesStrategy: .forwardBytes,
                    withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                try channel.pipeline.syncOperations.addHandler(request, name: UpgradeRequestSender.name)
            }
        }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
        {
            upgraded.fail(WebSocketClientError.timedOut)
        }
        do {
            let headers = try await upgraded.futureResult.get()
            timer.cancel()
            return WebSocketClient(channel: channel, upgradeHeaders: headers, queue: queue)
        } catch {
            timer.cancel()
            try? await channel.close()
            throw error
        }
    }

    /// Sends one masked text frame.
    public func send(_ text: String) async throws {
        try await send(frame: WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text)))
    }

    /// Sends a frame, masked with a random key unless it already carries one.
    public func send(frame: WebSocketFrame) async throws {
        var frame = frame
        if frame.maskKey == nil {
            // NIO's encoder applies the key while writing.
            frame = WebSocketFrame(fin: frame.fin, opcode: frame.opcode, maskKey: .random(), data: frame.data)
        }
        try await channel.writeAndFlush(frame)
    }

    /// The next frame, or nil when none arrives in time.
    public func receive(timeout: Duration = .seconds(5)) async -> ReceivedFrame? {
        await queue.next(timeout: timeout)
    }

    /// The next text message, skipping control frames; nil on timeout or close.
    public func receiveText(timeout: Duration = .seconds(5)) async -> String? {
        while let frame = await receive(timeout: timeout) {
            switch frame {
            case .text(let text): return text
            case .close, .disconnected: return nil
            default: continue
            }
        }
        return nil
    }

    /// Stops reading from the socket, as a stalled client would; the server's writes then queue up.
    public func stopReading() async throws {
        try await channel.setOption(.autoRead, value: false).get()
    }

    public func close() async {
        try? await channel.close()
    }
}

/// Sends the upgrade request once connected; fails the handshake if a plain HTTP response comes back.
private final class UpgradeRequestSender: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    static let name = "upgrade-request"

    let host: String
    let port: Int
    let path: String
    let headers: [(String, String)]
    let refused: EventLoopPromise<[(String, String)]>

    init(
        host: String, port: Int, path: String, headers: [(String, String)],
        refused: EventLoopPromise<[(String, String)]>
    ) {
        self.host = host
        self.port = port
        self.path = path
        self.headers = headers
        self.refused = refused
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let response) = unwrapInboundIn(data) {
            refused.fail(WebSocketClientError.upgradeRefused(status: Int(response.status.code)))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        refused.fail(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A server may send the 101, a frame and a close in one breath; give the upgrade a moment to finish
        // before calling the connection failed (a completed promise ignores the late failure).
        let refused = self.refused
        context.eventLoop.scheduleTask(in: .milliseconds(200)) { refused.fail(ChannelError.eof) }
        context.fireChannelInactive()
    }
}

/// Turns inbound frames into `ReceivedFrame`s on the queue.
private final class FrameCollector: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame

    let queue: FrameQueue
    init(queue: FrameQueue) { self.queue = queue }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        var payload = frame.unmaskedData
        switch frame.opcode {
        case .text: queue.push(.text(payload.readString(length: payload.readableBytes) ?? ""))
        case .binary: queue.push(.binary(Array(payload.readableBytesView)))
        case .ping: queue.push(.ping(Array(payload.readableBytesView)))
        case .pong: queue.push(.pong(Array(payload.readableBytesView)))
        case .connectionClose:
            let code = payload.readInteger(as: UInt16.self).map(Int.init)
            queue.push(.close(code: code, reason: payload.readString(length: payload.readableBytes) ?? ""))
        default: break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        queue.push(.disconnected)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
