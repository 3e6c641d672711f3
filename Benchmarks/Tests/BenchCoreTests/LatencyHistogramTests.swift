import BenchCore
import Testing

@Suite struct LatencyHistogramTests {
    @Test func exactRangeGivesNearestRankPercentiles() {
        var h = LatencyHistogram()
        for v in 1...100 { h.record(UInt64(v)) }
        #expect(h.percentile(50) == 50)
        #expect(h.percentile(95) == 95)
        #expect(h.percentile(99) == 99)
        #expect(h.percentile(100) == 100)
        #expect(h.max == 100)
        #expect(h.min == 1)
        #expect(h.mean == 50.5)
    }

    @Test func emptyHistogramReportsZero() {
        let h = LatencyHistogram()
        #expect(h.percentile(99) == 0)
        #expect(h.count == 0)
    }

    @Test func largeValuesStayWithinATenthOfAPercent() {
        for value: UInt64 in [2048, 5000, 123_457, 9_999_999, 3_600_000_000] {
            var h = LatencyHistogram()
            h.record(value)
            h.record(1)
            let p = h.percentile(99)
            #expect(p == value, "the exact max caps the bucket's upper edge")
            var g = LatencyHistogram()
            g.record(value)
            g.record(value * 2)
            let p50 = g.percentile(50)
            #expect(p50 >= value && Double(p50 - value) <= Double(value) * 0.001)
        }
    }

    @Test func mergingEqualsRecordingEverything() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        var all = LatencyHistogram()
        for v in stride(from: 1, to: 200_000, by: 37) {
            let value = UInt64(v)
            if v % 2 == 0 { a.record(value) } else { b.record(value) }
            all.record(value)
        }
        a.merge(b)
        #expect(a == all)
        #expect(a.percentile(99) == all.percentile(99))
    }

    @Test func percentilesAreMonotonic() {
        var h = LatencyHistogram()
        var seed: UInt64 = 42
        for _ in 0..<10_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            h.record((seed >> 33) % 50_000)
        }
        let ps = [50.0, 90, 95, 99, 99.9, 100].map { h.percentile($0) }
        #expect(ps == ps.sorted())
        #expect(ps.last == h.max)
    }

    @Test func summaryHasTheReportedKeys() {
        var h = LatencyHistogram()
        h.record(10)
        let keys = ["count", "p50", "p95", "p99", "max", "mean"]
        for key in keys { #expect(h.summary[key] != nil) }
    }
}
