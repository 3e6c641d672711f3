import NIOCore
import NIOEmbedded
import NIOWebSocket

@testable import ReverbEngine

extension ConnectionHandle {
    /// A handle on an embedded channel, for state-machine tests without sockets. Its writer writes below a
    /// WebSocket encoder, as on a real socket.
    static func embedded(
        socketID: String, app: Application, loop: EmbeddedEventLoop = EmbeddedEventLoop()
    ) -> ConnectionHandle {
        let channel = EmbeddedChannel(loop: loop)
        try! channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
        let output = try! channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
        let writer = SocketWriter(socketID: socketID, output: output, totals: EngineTotals())
        return ConnectionHandle(socketID: socketID, app: app, origin: nil, channel: channel, writer: writer)
    }
}
