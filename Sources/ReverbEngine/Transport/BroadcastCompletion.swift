import NIOCore
import Synchronization

/// Counts down the event loops of one broadcast; the last one to flush records the broadcast's latency.
/// One small object and one atomic subtract per loop: the price of knowing when the last write happened.
final class BroadcastCompletion: Sendable {
    private let latency: LatencyHistogram
    private let startedAt: UInt64
    private let remaining: Atomic<Int>

    init(latency: LatencyHistogram, startedAt: UInt64, loops: Int) {
        self.latency = latency
        self.startedAt = startedAt
        self.remaining = Atomic(loops)
    }

    func loopFinished() {
        guard remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
        latency.record(startedAt: startedAt, now: NIODeadline.now().uptimeNanoseconds)
    }
}
