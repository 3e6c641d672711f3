import NIOCore

/// The keep-alive deadlines of every socket on one event loop, behind one timer.
///
/// A timer per socket costs an entry in NIO's timer queue and a `NIOScheduledCallback` in the handler (about 100
/// bytes of every idle connection, docs/benchmarks.md, "Memory per connection"); here a socket is 16 bytes of a heap. The timer
/// is set for the earliest deadline; when it fires, every socket whose deadline has come is told, at the same
/// moment its own timer would have fired, and the timer is set for the next one.
final class KeepAliveQueue: NIOScheduledCallbackHandler, @unchecked Sendable {
    // @unchecked: all of its state is used on the queue's loop only (asserted in debug builds).

    private var heap = DeadlineHeap<WebSocketChannelHandler>()
    private var timer: NIOScheduledCallback?
    /// When `timer` fires.
    private var timerDeadline = NIODeadline.distantFuture

    private init() {}

    /// Sockets waiting on this loop.
    var count: Int { heap.count }

    /// Calls `socket.keepAliveDue()` at `deadline` (moving an earlier request). On `loop`, the queue's, only.
    func schedule(_ socket: WebSocketChannelHandler, at deadline: NIODeadline, on loop: any EventLoop) {
        loop.assertInEventLoop()
        heap.set(socket, to: deadline)
        if deadline < timerDeadline { arm(at: deadline, on: loop) }
    }

    /// Forgets `socket`. On the queue's loop only.
    func cancel(_ socket: WebSocketChannelHandler) {
        heap.remove(socket)
        // The timer stays: if it fires with nothing due it is simply set again.
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        timer = nil
        timerDeadline = .distantFuture
        // The loop's clock: the real one, or an embedded loop's own in tests.
        let now = eventLoop.now
        while let socket = heap.popDue(now: now) {
            socket.keepAliveDue()
        }
        if let next = heap.first { arm(at: next.deadline, on: eventLoop) }
    }

    private func arm(at deadline: NIODeadline, on loop: some EventLoop) {
        timer?.cancel()
        timerDeadline = deadline
        timer = try? loop.assumeIsolated().scheduleCallback(at: deadline, handler: self)
    }

    // MARK: One queue per loop

    private static let all = PerEventLoop { KeepAliveQueue() }

    /// The queue of `loop`, made on first use; it lives as long as the process.
    static func of(_ loop: any EventLoop) -> KeepAliveQueue { all.value(of: loop) }
}
