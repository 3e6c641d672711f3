import DequeModule
import Foundation
import ReverbEngine

/// Turns a sequence of snapshots into rates over windows of at least `window` seconds, so a console
/// that reads snapshots every frame does not show jittery numbers. Keeps the recent history for the header
/// sparkline and the metrics view, and the latency counts of the last `latencyWindow` seconds.
public struct RateTracker: Sendable {
    public let window: Double
    public let historyLength: Int
    public let latencyWindow: Double
    private var baseline: EngineSnapshot?
    public private(set) var current = Rates.zero
    /// Messages in plus out per second, oldest first, at most `historyLength` samples.
    public private(set) var history: [Double] = []
    public private(set) var metrics = MetricsHistory()
    /// Cumulative latency counts by time, oldest first, spanning at most `latencyWindow`.
    private var latencySamples: Deque<(time: Date, counts: LatencyHistogramSnapshot)> = []

    /// Five minutes of one-second samples by default.
    public init(window: Double = 1, historyLength: Int = 300, latencyWindow: Double = 60) {
        self.window = window
        self.historyLength = historyLength
        self.latencyWindow = latencyWindow
        metrics.sampleSeconds = window
    }

    /// Feeds the latest snapshot; rates move on once a full window has passed.
    public mutating func observe(_ snapshot: EngineSnapshot) {
        guard let baseline else {
            self.baseline = snapshot
            latencySamples.append((snapshot.takenAt, snapshot.broadcastLatency))
            return
        }
        guard snapshot.takenAt.timeIntervalSince(baseline.takenAt) >= window else { return }
        current = Rates(from: baseline, to: snapshot)
        Self.append(current.messagesIn + current.messagesOut, to: &history, limit: historyLength)
        Self.append(
            Double(snapshot.apps.reduce(0) { $0 + $1.connectionCount }), to: &metrics.connections, limit: historyLength)
        Self.append(current.messagesIn, to: &metrics.messagesIn, limit: historyLength)
        Self.append(current.messagesOut, to: &metrics.messagesOut, limit: historyLength)
        latencySamples.append((snapshot.takenAt, snapshot.broadcastLatency))
        while let second = latencySamples.dropFirst().first,
            snapshot.takenAt.timeIntervalSince(second.time) >= latencyWindow
        {
            latencySamples.removeFirst()
        }
        if let oldest = latencySamples.first {
            metrics.latency = snapshot.broadcastLatency.since(oldest.counts)
            metrics.latencyWindowSeconds = Int(snapshot.takenAt.timeIntervalSince(oldest.time).rounded())
        }
        self.baseline = snapshot
    }

    private static func append(_ value: Double, to samples: inout [Double], limit: Int) {
        samples.append(value)
        if samples.count > limit { samples.removeFirst(samples.count - limit) }
    }
}
