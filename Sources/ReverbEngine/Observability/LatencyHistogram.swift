import Synchronization

/// Counts broadcast latencies into `LatencyHistogramSnapshot`'s fixed buckets. Recording one costs a bucket
/// search over a dozen integers and one relaxed atomic add; no lock, no allocation.
final class LatencyHistogram: Sendable {
    /// One counter per bucket; an array of references because an `Atomic` cannot live in an array itself.
    private let buckets: [Counter]

    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    init() {
        buckets = (0..<LatencyHistogramSnapshot.bucketCount).map { _ in Counter() }
    }

    /// Records a broadcast that started at `start` (`NIODeadline.now().uptimeNanoseconds`) and ends now.
    @inline(__always)
    func record(startedAt start: UInt64, now: UInt64) {
        let elapsed = now >= start ? now - start : 0
        buckets[LatencyHistogramSnapshot.bucket(forNanoseconds: elapsed)].value.add(1, ordering: .relaxed)
    }

    var snapshot: LatencyHistogramSnapshot {
        LatencyHistogramSnapshot(counts: buckets.map { $0.value.load(ordering: .relaxed) })
    }
}
