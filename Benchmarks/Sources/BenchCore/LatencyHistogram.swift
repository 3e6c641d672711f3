/// A log-linear latency histogram in microseconds: exact below 2,048 µs, then 1,024 sub-buckets per power of
/// two (relative error under 0.1 %). Fixed size, so recording never allocates on the receive path, and two
/// histograms merge by adding counts, which is how shards and client processes are combined.
public struct LatencyHistogram: Sendable, Equatable {
    /// Sub-buckets per power of two above the exact range.
    static let subBucketCount = 1024
    /// Values below this are recorded exactly.
    static let exactLimit: UInt64 = 2048
    /// Largest power-of-two exponent tracked; larger values are clamped into the last bucket (~2^41 µs).
    static let maxExponent = 40
    static let bucketTotal = Int(exactLimit) + (maxExponent - 10) * subBucketCount

    public private(set) var counts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var max: UInt64 = 0
    public private(set) var min: UInt64 = .max
    public private(set) var sum: UInt64 = 0

    public init() {
        self.counts = Array(repeating: 0, count: Self.bucketTotal)
    }

    /// The bucket index of a value.
    static func index(of value: UInt64) -> Int {
        if value < exactLimit { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount  // >= 11
        if exponent > maxExponent { return bucketTotal - 1 }
        let shift = exponent - 10
        let sub = Int(value >> UInt64(shift)) - subBucketCount
        return Int(exactLimit) + (exponent - 11) * subBucketCount + sub
    }

    /// The highest value that lands in the bucket at `index` (what HdrHistogram calls the highest equivalent value).
    static func highestValue(at index: Int) -> UInt64 {
        if index < Int(exactLimit) { return UInt64(index) }
        let offset = index - Int(exactLimit)
        let exponent = offset / subBucketCount + 11
        let sub = UInt64(offset % subBucketCount + subBucketCount)
        let shift = UInt64(exponent - 10)
        return ((sub + 1) << shift) - 1
    }

    public mutating func record(_ value: UInt64) {
        self.counts[Self.index(of: value)] &+= 1
        self.count &+= 1
        self.sum &+= value
        if value > self.max { self.max = value }
        if value < self.min { self.min = value }
    }

    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for i in other.counts.indices where other.counts[i] != 0 {
            self.counts[i] &+= other.counts[i]
        }
        self.count &+= other.count
        self.sum &+= other.sum
        if other.max > self.max { self.max = other.max }
        if other.min < self.min { self.min = other.min }
    }

    /// The value at percentile `p` (0...100) by the nearest-rank method; 0 when empty. Never above the exact max.
    public func percentile(_ p: Double) -> UInt64 {
        guard self.count > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((p / 100 * Double(self.count)).rounded(.up)))
        var seen: UInt64 = 0
        for i in self.counts.indices where self.counts[i] != 0 {
            seen += self.counts[i]
            if seen >= rank { return Swift.min(Self.highestValue(at: i), self.max) }
        }
        return self.max
    }

    public var mean: Double { self.count == 0 ? 0 : Double(self.sum) / Double(self.count) }

    /// The summary object every latency-bearing result line carries.
    public var summary: JSONValue {
        .object([
            ("count", .int(Int(self.count))),
            ("p50", .int(Int(self.percentile(50)))),
            ("p95", .int(Int(self.percentile(95)))),
            ("p99", .int(Int(self.percentile(99)))),
            ("max", .int(Int(self.max))),
            ("mean", .double(self.mean)),
        ])
    }

    /// Non-empty buckets as `index:count` pairs joined by commas, so a multi-process run can merge exactly.
    public var sparseEncoding: String {
        var parts: [String] = []
        for i in self.counts.indices where self.counts[i] != 0 { parts.append("\(i):\(self.counts[i])") }
        return parts.joined(separator: ",")
    }
}
