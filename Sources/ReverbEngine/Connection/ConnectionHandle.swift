import Foundation
import NIOCore
import Synchronization

/// A thread-safe handle on one open WebSocket connection: what the registry stores and broadcasts write to.
package final class ConnectionHandle: Sendable {
    package let socketID: String
    /// The app's one shared copy (`ApplicationBox`): a handle holds a reference, not the whole value.
    package var app: Application {
        _read { yield sharedApp.value }
    }
    private let sharedApp: ApplicationBox
    package let origin: String?
    package let connectedAt: Date
    /// The only way bytes reach this socket.
    let writer: SocketWriter
    private let channel: any Channel

    let messagesIn = Atomic<Int>(0)
    private let lastSeenMilliseconds: Atomic<Int64>

    convenience init(
        socketID: String, app: Application, origin: String?, channel: any Channel, writer: SocketWriter,
        now: Date = Date()
    ) {
        self.init(
            socketID: socketID, app: ApplicationBox(app), origin: origin, channel: channel, writer: writer, now: now)
    }

    init(
        socketID: String, app: ApplicationBox, origin: String?, channel: any Channel, writer: SocketWriter,
        now: Date = Date()
    ) {
        self.socketID = socketID
        self.sharedApp = app
        self.origin = origin
        self.channel = channel
        self.writer = writer
        self.connectedAt = now
        self.lastSeenMilliseconds = Atomic(Int64(now.timeIntervalSince1970 * 1000))
    }

    var eventLoop: any EventLoop { channel.eventLoop }

    /// Completes when the TCP connection has closed.
    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    var messagesOut: Int { writer.messagesSent }

    package var lastSeenAt: Date {
        Date(timeIntervalSince1970: Double(lastSeenMilliseconds.load(ordering: .relaxed)) / 1000)
    }

    func markSeen(_ now: Date) {
        lastSeenMilliseconds.store(Int64(now.timeIntervalSince1970 * 1000), ordering: .relaxed)
    }

    /// Writes one text message and flushes. Safe from any thread.
    func send(_ message: ByteBuffer) {
        writer.send(OutboundFrame.text(message))
    }

    /// Sends a close frame with `code` and `reason` and ends the connection once the client answers (or after a
    /// short wait). Safe from any thread.
    func close(code: Int, reason: String = "") {
        channel.pipeline.fireUserInboundEventTriggered(CloseRequest(code: code, reason: reason))
    }

    /// Sends `pusher:error`, then a close frame carrying the same code, which tells pusher-js whether to reconnect
    /// (docs/protocol.md, Fatal errors).
    func fail(with error: PusherError) {
        send(ServerMessage.error(error))
        close(code: error.code, reason: error.message)
    }
}
