import DequeModule
import NIOCore
import Synchronization

/// The queue of frames waiting to be written by one event loop, so that overlapping broadcasts reach a socket in
/// one `writev`.
///
/// Broadcasts, and replies sent from another thread, are appended here in the order the engine makes them. The
/// first append to an empty queue schedules one drain on the loop. A drain takes everything queued by then and
/// writes every frame to its sockets in queue order without flushing; the sockets written to wait in flush runs.
/// An idle loop flushes them all at once, in the same loop tick as the append, so nothing waits. A busy loop
/// (broadcasts arriving back to back) flushes a few sockets per step and lets the loop read its sockets between
/// steps: a publish read in between is written behind the frames still unflushed, and those sockets receive both
/// in one system call. See docs/architecture.md, "The write path".
///
/// Order: a frame queued before any other task is scheduled on the loop is written before that task runs (a drain
/// takes its batch and clears `scheduled` in one step, so a later append schedules a new drain behind that task);
/// every frame is written to its sockets when it is taken, so a socket's bytes are in queue order however the
/// flushes fall.
final class LoopOutbox: @unchecked Sendable {
    // @unchecked: `queue` is guarded by `lock`; everything else is used only by the drain, which runs on the loop.

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

    /// Sockets written to and not flushed yet: `writers[next..<end]`, flushed in order.
    private struct FlushRun {
        let writers: [SocketWriter]
        var next: Int
        let end: Int
        /// Counts runs from the outbox's first; a broadcast is complete once the run it waits for is done.
        let number: Int
    }

    /// Sockets a busy loop flushes per step before it reads again: 16 `writev`s take 100 to 200 µs, so a
    /// publisher's next request is read while most sockets still hold the previous frame, and the wake-up between
    /// steps (a timer and an `epoll_wait`) costs a few percent of that. Measured against 32 and 64 with
    /// `Benchmarks/scripts/ab-fanout` (docs/benchmarks.md).
    static let flushesPerStep = 16
    /// The longest a busy loop waits between steps: the next step is a timer, so NIO polls its sockets first and
    /// wakes at once for a publish; when nothing arrives, the pause leaves the core to the publisher and the
    /// subscribers (on a machine where they share it), which is what lets the next publish arrive in time.
    private static let pause = TimeAmount.microseconds(50)

    private let lock = Mutex(Queue())
    private var spare: [Entry] = []
    private var runs = Deque<FlushRun>()
    private var runsMade = 0
    private var runsDone = 0
    private var waiting = Deque<(completion: BroadcastCompletion, run: Int)>()
    /// Whether the runs being flushed pause between steps; decided by a drain that finds no runs to continue.
    private var pausing = false
    /// `defaultBusyWindow`, longer in tests that need every drain to count as busy. On the loop only.
    var busyWindow = LoopOutbox.defaultBusyWindow
    /// When the outbox last ran out of sockets to flush.
    private var idleSince = NIODeadline.uptimeNanoseconds(0)
    /// A drain that starts this soon after the last one ended finds a busy loop: broadcasts are arriving back to
    /// back, so it flushes in steps and lets the next one catch up. Slower than that (10 broadcasts a second), the
    /// drain flushes every socket at once, as an idle loop should.
    static let defaultBusyWindow = TimeAmount.milliseconds(5)

    /// The one outbox of `loop`.
    static func of(_ loop: any EventLoop) -> LoopOutbox { all.value(of: loop) }

    private static let all = PerEventLoop { LoopOutbox() }

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
        if schedule { loop.execute { self.drain(on: loop) } }
    }

    /// One step: writes everything queued, flushes every socket (idle loop) or `flushesPerStep` of them (busy
    /// loop), and schedules the next step while sockets are left. On the loop only.
    private func drain(on loop: any EventLoop) {
        if runs.isEmpty { pausing = NIODeadline.now() - idleSince < busyWindow }
        writeQueued()
        flushSome(upTo: pausing ? Self.flushesPerStep : .max)
        while let first = waiting.first, first.run <= runsDone {
            waiting.removeFirst()
            first.completion.loopFinished()
        }
        guard !runs.isEmpty else {
            idleSince = .now()
            return
        }
        let schedule = lock.withLock { queue in
            guard !queue.scheduled else { return false }
            queue.scheduled = true
            return true
        }
        guard schedule else { return }
        do {
            _ = try loop.assumeIsolated().scheduleCallback(in: Self.pause, handler: self)
        } catch {
            // The loop is shutting down and runs no timers: finish here.
            loop.execute { self.drain(on: loop) }
        }
    }

    /// Writes every queued frame to its sockets, without flushing, and records which sockets need a flush.
    private func writeQueued() {
        var batch = spare
        spare = []
        lock.withLock { queue in
            swap(&batch, &queue.entries)
            queue.scheduled = false
        }
        for entry in batch {
            switch entry {
            case .broadcast(let frame, let writers, let completion):
                SocketWriter.writeWithoutFlush(frame, to: writers)
                let run = flushRun(for: writers)
                if let completion { waiting.append((completion, run)) }
            case .single(let writer, let frame, let isMessage):
                writer.writeWithoutFlush(frame, isMessage: isMessage)
                _ = flushRun(for: [writer])
            }
        }
        batch.removeAll(keepingCapacity: true)
        spare = batch
    }

    /// The number of the run that will flush the frame just written to `writers`, adding one if needed.
    ///
    /// Consecutive broadcasts to one channel share its cached array (the same storage). If that group's last run
    /// has not started, it covers the new frame too; if it is being flushed, its remaining sockets carry the new
    /// frame along and only the ones already flushed need a new run. Otherwise the whole group gets one: a socket
    /// flushed twice finds nothing to send the second time.
    private func flushRun(for writers: [SocketWriter]) -> Int {
        let identity = writers.withUnsafeBufferPointer { $0.baseAddress }
        var end = writers.count
        // Only the last few runs are searched, so many channels on one loop cost no scan per broadcast; a group
        // found further back just gets a new run.
        let nearest = max(runs.startIndex, runs.endIndex - 4)
        if let index = runs[nearest...].lastIndex(where: { run in
            run.writers.count == writers.count
                && run.writers.withUnsafeBufferPointer { $0.baseAddress } == identity
        }), runs[index].end == writers.count {
            let last = runs[index]
            if last.next == 0 { return last.number }
            if index == runs.startIndex { end = last.next }
        }
        runsMade += 1
        runs.append(FlushRun(writers: writers, next: 0, end: end, number: runsMade))
        return runsMade
    }

    /// Flushes up to `limit` sockets that have something to send, oldest runs first; a socket a run before (or
    /// its own reply) already flushed costs a flag test.
    private func flushSome(upTo limit: Int) {
        var budget = limit
        // Flushing can run handlers (a socket over its byte limit closes), which may queue more: that goes to
        // `queue` and the next step, never into the runs being flushed here.
        while budget > 0, var run = runs.first {
            while run.next < run.end, budget > 0 {
                if run.writers[run.next].flushWritten() { budget -= 1 }
                run.next += 1
            }
            if run.next == run.end {
                runs.removeFirst()
                runsDone = run.number
            } else {
                runs[runs.startIndex] = run
            }
        }
    }
}

extension LoopOutbox: NIOScheduledCallbackHandler {
    func handleScheduledCallback(eventLoop: some EventLoop) { drain(on: eventLoop) }
}
