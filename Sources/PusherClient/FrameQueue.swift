import DequeModule
import Synchronization

/// Frames waiting to be read, with at most one reader waiting at a time.
final class FrameQueue: Sendable {
    private struct State {
        var frames: Deque<ReceivedFrame> = []
        var waiter: CheckedContinuation<ReceivedFrame?, Never>?
        var waiterID = 0
    }

    private let state = Mutex(State())

    func push(_ frame: ReceivedFrame) {
        let waiter: CheckedContinuation<ReceivedFrame?, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.frames.append(frame)
            return nil
        }
        waiter?.resume(returning: frame)
    }

    /// The next frame, or nil when none arrives within `timeout`.
    func next(timeout: Duration) async -> ReceivedFrame? {
        let ticket: Int = state.withLock { state in
            state.waiterID += 1
            return state.waiterID
        }
        return await withCheckedContinuation { continuation in
            let ready: ReceivedFrame? = state.withLock { state in
                if let frame = state.frames.popFirst() { return frame }
                state.waiter = continuation
                return nil
            }
            if let ready {
                continuation.resume(returning: ready)
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                let expired: CheckedContinuation<ReceivedFrame?, Never>? = self.state.withLock { state in
                    guard state.waiterID == ticket, let waiter = state.waiter else { return nil }
                    state.waiter = nil
                    return waiter
                }
                expired?.resume(returning: nil)
            }
        }
    }
}
