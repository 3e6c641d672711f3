import BenchCore
import Synchronization

/// One shard of the latency histogram. Sockets pick a shard by index so that two event loops rarely
/// contend on the same lock; recording is a short, allocation-free critical section.
final class HistogramShard: Sendable {
    let histogram = Mutex(LatencyHistogram())
}

/// What a presence observer saw for one user id.
struct MemberRecord: Sendable {
    var added = 0
    var removed = 0
    /// A `member_removed` arrived while the user was not present.
    var outOfOrder = 0
}

/// Counters shared by every socket of a scenario. Only atomics and short locks: the sockets live on event
/// loops, the scenario reads from a task, and nothing here is touched per byte.
final class SocketSink: Sendable {
    /// Sockets that finished their handshake (subscribed, or established when they subscribe nothing).
    let ready = Atomic<Int>(0)
    /// Sockets that reached a final handshake state, ready or failed; drives the connect window.
    let settled = Atomic<Int>(0)
    let connectFailures = Atomic<Int>(0)
    let subscriptions = Atomic<Int>(0)
    let pusherErrors = Atomic<Int>(0)
    /// Ready sockets that closed before the scenario closed them.
    let droppedAfterReady = Atomic<Int>(0)
    let received = Atomic<Int>(0)
    let duplicates = Atomic<Int>(0)
    let lastReceiveMicros = Atomic<UInt64>(0)
    let roundTripsLeft = Atomic<Int>(0)
    let roundTripsSent = Atomic<Int>(0)
    let closing = Atomic<Bool>(false)
    let shards: [HistogramShard] = (0..<8).map { _ in HistogramShard() }
    let members = Mutex<[String: MemberRecord]>([:])
    /// First few error payloads, for the report.
    let firstErrors = Mutex<[String]>([])

    func recordLatency(_ micros: UInt64, shard: Int) {
        self.shards[shard & 7].histogram.withLock { $0.record(micros) }
    }

    func noteError(_ text: String) {
        self.pusherErrors.add(1, ordering: .relaxed)
        self.firstErrors.withLock { if $0.count < 5 { $0.append(text) } }
    }

    var histogram: LatencyHistogram {
        var merged = LatencyHistogram()
        for shard in self.shards { shard.histogram.withLock { merged.merge($0) } }
        return merged
    }

    func resetHistogram() {
        for shard in self.shards { shard.histogram.withLock { $0 = LatencyHistogram() } }
    }
}
