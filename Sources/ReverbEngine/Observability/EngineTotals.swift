import Synchronization

/// Process-wide totals the hot path bumps without allocating.
final class EngineTotals: Sendable {
    let messagesIn = Atomic<Int>(0)
    let messagesOut = Atomic<Int>(0)
    let apiRequests = Atomic<Int>(0)
    let connectionsOpened = Atomic<Int>(0)
    let connectionsClosed = Atomic<Int>(0)
    /// Per-broadcast latency, start of delivery to the last socket write.
    let broadcastLatency = LatencyHistogram()
    let protection = ProtectionTotals()

    var counters: EngineCounters {
        EngineCounters(
            messagesIn: messagesIn.load(ordering: .relaxed), messagesOut: messagesOut.load(ordering: .relaxed),
            apiRequests: apiRequests.load(ordering: .relaxed),
            connectionsOpened: connectionsOpened.load(ordering: .relaxed),
            connectionsClosed: connectionsClosed.load(ordering: .relaxed))
    }
}
