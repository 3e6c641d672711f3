import ReverbEngine

/// The broadcast latency distribution of the last minute: one bar per bucket (start of delivery to the last
/// socket write), with the median and 99th percentile bucket in the title.
public struct LatencyPane: Pane {
    public init() {}

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        let histogram = model.metrics.latency
        let total = histogram.total
        var status = "no broadcasts"
        if let p50 = histogram.quantileUpperBound(0.5), let p99 = histogram.quantileUpperBound(0.99) {
            status = "p50 \(Self.bound(p50))  p99 \(Self.bound(p99))  n \(DisplayFormat.count(total))"
        }
        let inner = PaneBox(
            title: "Broadcast latency \(model.metrics.latencyWindowSeconds)s", status: status, statusRole: .dim,
            isFocused: false
        ).draw(into: &grid, rect: rect)
        guard !inner.isEmpty else { return }
        let counts = histogram.counts
        // With fewer rows than buckets, start at the first bucket that has samples.
        let first = min(counts.firstIndex { $0 > 0 } ?? 0, max(0, counts.count - inner.height))
        let rows = min(inner.height, counts.count - first)
        let peak = counts.max() ?? 0
        let countWidth = max(1, String(peak).count)
        let barWidth = inner.width - 7 - 1 - countWidth - 1
        for row in 0..<rows {
            let index = first + row
            let y = inner.y + row
            let label = Self.label(bucket: index)
            grid.write(
                String(repeating: " ", count: max(0, 7 - label.count)) + label, x: inner.x, y: y, role: .meterLabel,
                limit: inner.width)
            guard barWidth > 0 else { continue }
            let count = counts[index]
            let role: Role = index < 5 ? .rateLow : index < 8 ? .rateMid : .rateHigh
            HorizontalBar(fraction: peak > 0 ? Double(count) / Double(peak) : 0).draw(
                into: &grid, x: inner.x + 8, y: y, width: barWidth, role: role)
            let text = String(count)
            grid.write(text, x: inner.maxX - text.count, y: y, role: count > 0 ? .meterValue : .dim)
        }
    }

    /// `≤50µs`, `≤2.5ms`, `>100ms`.
    static func label(bucket: Int) -> String {
        let bounds = LatencyHistogramSnapshot.upperBoundsMicroseconds
        guard bucket < bounds.count else { return ">" + micros(bounds.last ?? 0) }
        return "≤" + micros(bounds[bucket])
    }

    static func bound(_ micros: Int) -> String {
        micros == Int.max
            ? ">" + Self.micros(LatencyHistogramSnapshot.upperBoundsMicroseconds.last ?? 0) : "≤" + Self.micros(micros)
    }

    static func micros(_ value: Int) -> String {
        if value < 1_000 { return "\(value)µs" }
        if value % 1_000 == 0 { return "\(value / 1_000)ms" }
        return "\(value / 1_000).\(value % 1_000 / 100)ms"
    }
}
