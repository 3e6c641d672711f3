/// Broadcast latencies counted into fixed buckets since start: how long each broadcast took from the start of
/// delivery to its last socket write. Counts only grow; the distribution of a window is the difference of two.
public struct LatencyHistogramSnapshot: Sendable, Hashable, Codable {
    /// Upper bounds of the buckets in microseconds; the last bucket has no bound (everything slower).
    public static let upperBoundsMicroseconds: [Int] = [
        50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000,
    ]
    public static var bucketCount: Int { upperBoundsMicroseconds.count + 1 }

    /// One count per bucket, `bucketCount` long.
    public var counts: [Int]

    public init(counts: [Int] = Array(repeating: 0, count: LatencyHistogramSnapshot.bucketCount)) {
        self.counts = counts
    }

    public var total: Int { counts.reduce(0, +) }

    /// The counts that arrived between `earlier` and this snapshot (a restarted engine counts from zero).
    public func since(_ earlier: LatencyHistogramSnapshot) -> LatencyHistogramSnapshot {
        guard earlier.counts.count == counts.count, zip(counts, earlier.counts).allSatisfy({ $0 >= $1 }) else {
            return self
        }
        return LatencyHistogramSnapshot(counts: zip(counts, earlier.counts).map { $0 - $1 })
    }

    /// The upper bound (µs) of the bucket holding the `fraction` quantile; nil without samples, `Int.max` for the
    /// unbounded bucket.
    public func quantileUpperBound(_ fraction: Double) -> Int? {
        let total = total
        guard total > 0 else { return nil }
        let target = max(1, Int((Double(total) * fraction).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() {
            seen += count
            if seen >= target {
                return index < Self.upperBoundsMicroseconds.count ? Self.upperBoundsMicroseconds[index] : Int.max
            }
        }
        return Int.max
    }

    /// The bucket a latency falls into.
    public static func bucket(forNanoseconds nanoseconds: UInt64) -> Int {
        let micros = Int(nanoseconds / 1_000)
        for (index, bound) in upperBoundsMicroseconds.enumerated() where micros <= bound { return index }
        return upperBoundsMicroseconds.count
    }
}
