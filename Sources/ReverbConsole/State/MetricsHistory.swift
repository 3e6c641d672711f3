import ReverbEngine

/// What the metrics view draws: per-second samples over the last minutes (oldest first) and the broadcast
/// latency distribution of the last minute.
public struct MetricsHistory: Hashable, Sendable {
    /// Open connections at each sample.
    public var connections: [Double]
    /// Messages received and sent per second at each sample.
    public var messagesIn: [Double]
    public var messagesOut: [Double]
    /// Broadcast latencies counted over the last minute (or since the console started, when shorter).
    public var latency: LatencyHistogramSnapshot
    /// Seconds the latency window covers.
    public var latencyWindowSeconds: Int
    /// Seconds between two samples.
    public var sampleSeconds: Double

    public init(
        connections: [Double] = [], messagesIn: [Double] = [], messagesOut: [Double] = [],
        latency: LatencyHistogramSnapshot = LatencyHistogramSnapshot(), latencyWindowSeconds: Int = 0,
        sampleSeconds: Double = 1
    ) {
        self.connections = connections
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
        self.latency = latency
        self.latencyWindowSeconds = latencyWindowSeconds
        self.sampleSeconds = sampleSeconds
    }
}
