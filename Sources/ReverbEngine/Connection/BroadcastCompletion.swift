import CoreMetrics
import NIOCore
import Synchronization

/// Counts down the event loops of one broadcast; the last one to flush records how long the broadcast took, in
/// the console's latency histogram (from the start of delivery) and, for API events with a metrics backend, in
/// Prometheus's `reverb_broadcast_duration_seconds` (from the request's arrival). One small object and one atomic
/// subtract per loop: the price of knowing when the last write happened.
final class BroadcastCompletion: Sendable {
    private let latency: LatencyHistogram
    private let startedAt: UInt64
    private let timer: Timer?
    private let acceptedAt: UInt64
    private let remaining: Atomic<Int>

    init(latency: LatencyHistogram, startedAt: UInt64, timer: Timer?, acceptedAt: NIODeadline?, loops: Int) {
        self.latency = latency
        self.startedAt = startedAt
        self.timer = acceptedAt == nil ? nil : timer
        self.acceptedAt = acceptedAt?.uptimeNanoseconds ?? 0
        self.remaining = Atomic(loops)
    }

    func loopFinished() {
        guard remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        latency.record(startedAt: startedAt, now: now)
        timer?.recordNanoseconds(Int64(now &- acceptedAt))
    }
}
