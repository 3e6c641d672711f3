import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The WebSocket upgrader of NIO's HTTP pipeline (handshakes `HTTPFastPath` hands over): NIO's
/// `NIOWebSocketServerUpgrader` checks the request and builds the 101, but a Pusher socket is then set up as the fast
/// path sets it up, with `WebSocketChannelHandler` reading frames itself instead of behind NIO's frame decoder.
/// Other upgrades (the console stream, which works on NIO's frames) take NIO's own setup.
final class SocketUpgrader: HTTPServerProtocolUpgrader, Sendable {
    private let upgrader: NIOWebSocketServerUpgrader
    /// Whether the request is for a Pusher socket.
    private let isSocket: @Sendable (HTTPRequestHead) -> Bool
    /// Adds the socket's handler to the pipeline.
    private let socketPipeline: @Sendable (any Channel, HTTPRequestHead) throws -> Void

    var supportedProtocol: String { upgrader.supportedProtocol }
    var requiredUpgradeHeaders: [String] { upgrader.requiredUpgradeHeaders }

    init(
        upgrader: NIOWebSocketServerUpgrader, isSocket: @escaping @Sendable (HTTPRequestHead) -> Bool,
        socketPipeline: @escaping @Sendable (any Channel, HTTPRequestHead) throws -> Void
    ) {
        self.upgrader = upgrader
        self.isSocket = isSocket
        self.socketPipeline = socketPipeline
    }

    func buildUpgradeResponse(
        channel: any Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        upgrader.buildUpgradeResponse(
            channel: channel, upgradeRequest: upgradeRequest, initialResponseHeaders: initialResponseHeaders)
    }

    func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
        guard isSocket(upgradeRequest) else {
            return upgrader.upgrade(context: context, upgradeRequest: upgradeRequest)
        }
        let channel = context.channel
        return channel.eventLoop.makeCompletedFuture { try socketPipeline(channel, upgradeRequest) }
    }
}
