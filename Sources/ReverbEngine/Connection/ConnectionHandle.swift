import Foundation
import NIOCore
import NIOWebSocket
import Synchronization

/// A thread-safe handle on one open WebSocket connection: what the registry stores and broadcasts write to.
public final class ConnectionHandle: Sendable {
    public let socketID: String
    public let app: Application
    public let origin: String?
    public let connectedAt: Date
    let channel: any Channel
    /// The WebSocket encoder's context: writing a pre-encoded frame here skips per-subscriber header encoding.
    let frameOutput: LoopConfinedContext?

    let messagesIn = Atomic<Int>(0)
    let messagesOut = Atomic<Int>(0)
    private let lastSeenMilliseconds: Atomic<Int64>

    init(
        socketID: String, app: Application, origin: String?, channel: any Channel,
        frameOutput: (ChannelHandlerContext)? = nil, now: Date = Date()
    ) {
        self.socketID = socketID
        self.frameOutput = frameOutput.map(LoopConfinedContext.init)
        self.app = app
        self.origin = origin
        self.channel = channel
        self.connectedAt = now
        self.lastSeenMilliseconds = Atomic(Int64(now.timeIntervalSince1970 * 1000))
    }

    var eventLoop: any EventLoop { channel.eventLoop }

    public var lastSeenAt: Date {
        Date(timeIntervalSince1970: Double(lastSeenMilliseconds.load(ordering: .relaxed)) / 1000)
    }

    func markSeen(_ now: Date) {
        lastSeenMilliseconds.store(Int64(now.timeIntervalSince1970 * 1000), ordering: .relaxed)
    }

    /// Writes one text message and flushes. Safe from any thread.
    func send(_ message: ByteBuffer) {
        messagesOut.add(1, ordering: .relaxed)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: message), promise: nil)
    }

    /// Sends a close frame with `code` and `reason` and ends the connection once the client answers (or after a
    /// short wait). Safe from any thread.
    func close(code: Int, reason: String = "") {
        channel.pipeline.fireUserInboundEventTriggered(CloseRequest(code: code, reason: reason))
    }

    /// Sends `pusher:error`, then a close frame carrying the same code, which tells pusher-js whether to reconnect (docs/protocol.md, Fatal errors).
    func fail(with error: PusherError) {
        send(ServerMessage.error(error))
        close(code: error.code, reason: error.message)
    }
}
