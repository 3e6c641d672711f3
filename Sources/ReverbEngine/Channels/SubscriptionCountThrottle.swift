/// Decides when subscribers hear `pusher_internal:subscription_count`: at every change, except that a channel
/// with more than `busyThreshold` subscribers hears it at most once per `busyInterval` (as Pusher does), with a
/// trailing update so the last count always arrives. A plain value driven by the caller's clock.
struct SubscriptionCountThrottle {
    static let busyThreshold = 100
    static let busyInterval: Duration = .seconds(5)

    enum Decision: Equatable {
        /// Send this count now.
        case send(Int)
        /// Send nothing now; call `flush` after this long (only returned once per pending update).
        case flushAfter(Duration)
        /// Send nothing.
        case none
    }

    private struct Entry {
        /// The count last reported to `changed` (with scaling, the cluster's, which the node cannot count),
        /// and its version.
        var latest = 0
        var version = 0
        var lastSent: Int?
        var lastSentAt: ContinuousClock.Instant?
        var flushScheduled = false
    }

    private var entries: [String: Entry] = [:]
    /// With scaling: channel → socket → the version of the newest count that socket already has (`Int.max`
    /// while its subscription waits for Redis), so the cluster's counts, which the stream may bring later than
    /// a joiner's own reply, never reach it out of order or before its `subscription_succeeded`.
    private var floors: [String: [String: Int]] = [:]

    /// The channel now has `count` subscribers.
    mutating func changed(channel: String, count: Int, now: ContinuousClock.Instant, version: Int = 0) -> Decision {
        guard count > 0 else {
            entries[channel] = nil
            return .none
        }
        var entry = entries[channel] ?? Entry()
        entry.latest = count
        entry.version = version
        defer { entries[channel] = entry }
        if entry.lastSent == count { return .none }
        if count > Self.busyThreshold, let sentAt = entry.lastSentAt, now - sentAt < Self.busyInterval {
            if entry.flushScheduled { return .none }
            entry.flushScheduled = true
            return .flushAfter(Self.busyInterval - (now - sentAt))
        }
        entry.lastSent = count
        entry.lastSentAt = now
        return .send(count)
    }

    /// A socket joining `channel` through the cluster gets no counts until `release`.
    mutating func hold(channel: String, socketID: String) { floors[channel, default: [:]][socketID] = .max }

    /// The joiner has its count of `version` (nil: none, the cluster did not answer).
    mutating func release(channel: String, socketID: String, version: Int?) {
        floors[channel]?[socketID] = version
        if floors[channel]?.isEmpty == true { floors[channel] = nil }
    }

    /// The sockets that must not get the count of `version`; forgets what later versions no longer need.
    mutating func skipped(channel: String, version: Int) -> [String] {
        guard let sockets = floors[channel] else { return [] }
        let remaining = sockets.filter { $0.value > version }
        floors[channel] = remaining.isEmpty ? nil : remaining
        return sockets.filter { $0.value >= version }.map(\.key)
    }

    /// The count last reported for `channel`, while it has subscribers.
    func latest(channel: String) -> Int? { entries[channel]?.latest }

    /// The count last reported for `channel` and its version, while it has subscribers.
    func latestVersioned(channel: String) -> (count: Int, version: Int)? {
        entries[channel].map { ($0.latest, $0.version) }
    }

    /// The trailing update of a busy channel: the count to send, if it still differs from the last one sent.
    mutating func flush(channel: String, count: Int, now: ContinuousClock.Instant) -> Int? {
        guard var entry = entries[channel] else { return nil }
        entry.flushScheduled = false
        defer { entries[channel] = entry }
        guard count > 0, entry.lastSent != count else { return nil }
        entry.lastSent = count
        entry.lastSentAt = now
        return count
    }
}
