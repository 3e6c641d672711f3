import NIOCore
import Synchronization

/// The one owner of a WebSocket's outbound bytes.
///
/// Every frame the server sends on a socket — broadcasts, replies, pings, pongs, close frames — is built by
/// `OutboundFrame` and written here, from the socket handler's context straight into TLS or the socket (there is
/// no frame encoder in the pipeline), so a broadcast is encoded once for all its subscribers. Sent-message counters are bumped here and nowhere
/// else. See docs/architecture.md, "The write path".
final class SocketWriter: @unchecked Sendable {
    // @unchecked: `output` is a ChannelHandlerContext, which is not Sendable. It is only dereferenced on
    // `eventLoop` (asserted in debug builds); everything else is immutable or atomic.

    let socketID: String
    let eventLoop: any EventLoop
    /// The socket handler's context: writes here go straight to TLS or the socket.
    private let output: ChannelHandlerContext
    private let totals: EngineTotals
    private let sent = Atomic<Int>(0)
    /// Whether frames were written without a flush since the last one. On `eventLoop` only.
    private var unflushed = false

    init(socketID: String, output: ChannelHandlerContext, totals: EngineTotals) {
        self.socketID = socketID
        self.eventLoop = output.eventLoop
        self.output = output
        self.totals = totals
    }

    /// Pusher messages written to this socket so far.
    var messagesSent: Int { sent.load(ordering: .relaxed) }

    /// Writes one message or control frame and flushes. Safe from any thread: from another thread the frame
    /// goes through the loop's outbox, behind the broadcasts queued before it.
    func send(_ frame: ByteBuffer, isMessage: Bool = true) {
        if eventLoop.inEventLoop {
            write(frame, isMessage: isMessage)
            unflushed = false
            output.flush()
        } else {
            LoopOutbox.of(eventLoop).enqueue(frame, to: self, isMessage: isMessage, on: eventLoop)
        }
    }

    /// Writes one frame and calls `done` once it left the process (or failed). On `eventLoop` only.
    func send(_ frame: ByteBuffer, isMessage: Bool, done: @escaping @Sendable () -> Void) {
        eventLoop.assertInEventLoop()
        if isMessage { count(1) }
        unflushed = false
        output.writeAndFlush(NIOAny(frame)).whenComplete { _ in done() }
    }

    /// Writes the same encoded frame to every writer without flushing; the outbox's drain flushes them once it has
    /// written everything queued. All writers live on the calling event loop; this is the broadcast hot path.
    static func writeWithoutFlush(_ frame: ByteBuffer, to writers: [SocketWriter]) {
        guard let first = writers.first else { return }
        first.eventLoop.assertInEventLoop()
        let wrapped = NIOAny(frame)
        for writer in writers {
            writer.sent.add(1, ordering: .relaxed)
            writer.unflushed = true
            writer.output.write(wrapped, promise: nil)
        }
        first.totals.messagesOut.add(writers.count, ordering: .relaxed)
    }

    /// One frame without flushing, for the outbox's drain.
    func writeWithoutFlush(_ frame: ByteBuffer, isMessage: Bool) {
        write(frame, isMessage: isMessage)
        unflushed = true
    }

    /// Flushes what the outbox's drain wrote, if a flush since has not sent it already; whether it did. On
    /// `eventLoop` only.
    func flushWritten() -> Bool {
        eventLoop.assertInEventLoop()
        guard unflushed else { return false }
        unflushed = false
        output.flush()
        return true
    }

    private func write(_ frame: ByteBuffer, isMessage: Bool) {
        eventLoop.assertInEventLoop()
        if isMessage { count(1) }
        output.write(NIOAny(frame), promise: nil)
    }

    private func count(_ messages: Int) {
        sent.add(messages, ordering: .relaxed)
        totals.messagesOut.add(messages, ordering: .relaxed)
    }
}
