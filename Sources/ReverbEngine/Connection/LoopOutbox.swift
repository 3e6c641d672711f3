import NIOCore
import Synchronization

/// The queue of frames waiting to be written by one event loop, so that overlapping broadcasts reach a socket in
/// one `writev`.
///
/// Broadcasts, and replies sent from another thread, are appended here in the order the engine makes them. The
/// first append to an empty queue schedules one drain task on the loop; the drain takes everything queued by the
/// time it runs, writes every frame to its sockets in queue order, then flushes each recipient group once. An idle
/// loop runs the drain at once (in the same loop tick, no timer), so nothing waits; a busy loop drains several
/// broadcasts per socket with one flush, and the kernel sends them with one system call and one TCP segment. See
/// docs/architecture.md, "The write path".
///
/// Order: a frame queued before any other task is scheduled on the loop is written before that task runs (a drain
/// takes its batch and clears `scheduled` in one step, so a later append schedules a new drain behind that task).
final class LoopOutbox: @unchecked Sendable {
    // @unchecked: `queue` is guarded by `lock`; `spare` and `flushes` are used only by the drain, which runs on
    // the loop.

    /// One queued write.
    private enum Entry {
        /// The same frame to every writer of one loop; `completion` learns when the last of them was flushed.
        case broadcast(ByteBuffer, [SocketWriter], BroadcastCompletion?)
        /// One frame to one socket.
        case single(SocketWriter, ByteBuffer, isMessage: Bool)
    }

    private struct Queue {
        var entries: [Entry] = []
        var scheduled = false
    }

    private let lock = Mutex(Queue())
    private var spare: [Entry] = []
    private var flushes: [[SocketWriter]] = []

    /// The one outbox of `loop`.
    static func of(_ loop: any EventLoop) -> LoopOutbox { LoopOutboxes.outbox(of: loop) }

    /// Queues one frame for every writer of `writers`, which all live on `loop`.
    func enqueue(
        _ frame: ByteBuffer, to writers: [SocketWriter], completion: BroadcastCompletion?, on loop: any EventLoop
    ) {
        append(.broadcast(frame, writers, completion), on: loop)
    }

    /// Queues one frame for one socket on `loop`.
    func enqueue(_ frame: ByteBuffer, to writer: SocketWriter, isMessage: Bool, on loop: any EventLoop) {
        append(.single(writer, frame, isMessage: isMessage), on: loop)
    }

    private func append(_ entry: Entry, on loop: any EventLoop) {
        let schedule = lock.withLock { queue in
            queue.entries.append(entry)
            guard !queue.scheduled else { return false }
            queue.scheduled = true
            return true
        }
        if schedule { loop.execute { self.drain() } }
    }

    /// Writes everything queued, then flushes each recipient group once. On the loop only.
    private func drain() {
        var batch = spare
        spare = []
        lock.withLock { queue in
            swap(&batch, &queue.entries)
            queue.scheduled = false
        }
        var groups = flushes
        flushes = []
        for entry in batch {
            switch entry {
            case .broadcast(let frame, let writers, _):
                SocketWriter.writeWithoutFlush(frame, to: writers)
                // Consecutive broadcasts to one channel share its cached array: flush it once. A socket in two
                // different groups is flushed twice, and the second flush finds nothing to send.
                if !Self.contains(writers, in: groups) { groups.append(writers) }
            case .single(let writer, let frame, let isMessage):
                writer.writeWithoutFlush(frame, isMessage: isMessage)
                groups.append([writer])
            }
        }
        // Flushing can run handlers (a socket over its byte limit closes), which may queue more: that goes to
        // `queue` and a new drain, never into the arrays used here.
        for group in groups {
            for writer in group { writer.flushWritten() }
        }
        for entry in batch {
            if case .broadcast(_, _, let completion?) = entry { completion.loopFinished() }
        }
        groups.removeAll(keepingCapacity: true)
        flushes = groups
        batch.removeAll(keepingCapacity: true)
        spare = batch
    }

    /// Whether `writers` is the same array (the same storage) as one of the last few groups.
    private static func contains(_ writers: [SocketWriter], in groups: [[SocketWriter]]) -> Bool {
        let identity = writers.withUnsafeBufferPointer { $0.baseAddress }
        for group in groups.suffix(4) where group.count == writers.count {
            if group.withUnsafeBufferPointer({ $0.baseAddress }) == identity { return true }
        }
        return false
    }
}
