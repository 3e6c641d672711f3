import Foundation
import NIOCore

/// One subscription of one socket to one channel.
struct Subscriber: Sendable {
    let handle: ConnectionHandle
    /// The presence user id, when the subscription carried `channel_data` with one.
    let userID: JSONValue?
}

/// One occupied channel of one app: subscribers, presence roster, cached payload.
struct ChannelState: Sendable {
    let name: String
    let kind: ChannelKind
    let occupiedSince: Date
    private(set) var subscribers: [String: Subscriber] = [:]
    private var fanoutGroups: [FanoutGroup]?
    var roster = PresenceRoster()
    var cachedPayload: ByteBuffer?
    var lastEventName: String?
    var lastEventAt: Date?

    init(name: String, now: Date) {
        self.name = name
        self.kind = ChannelKind(channelName: name)
        self.occupiedSince = now
    }

    var isEmpty: Bool { subscribers.isEmpty }

    mutating func add(_ subscriber: Subscriber) -> Subscriber? {
        let previous = subscribers.updateValue(subscriber, forKey: subscriber.handle.socketID)
        if previous == nil { fanoutGroups?.insert(subscriber.handle.writer) }
        return previous
    }

    mutating func remove(socketID: String) -> Subscriber? {
        guard let removed = subscribers.removeValue(forKey: socketID) else { return nil }
        fanoutGroups?.remove(removed.handle.writer)
        return removed
    }

    /// The subscribers already split by event loop: built at the first broadcast, then kept up to date by `add` and
    /// `remove` (a presence join or leave broadcasts right after changing the membership, so rebuilding them each
    /// time would walk every subscriber twice). A broadcast only retains the arrays.
    mutating func fanout() -> [FanoutGroup] {
        if let fanoutGroups { return fanoutGroups }
        let groups = FanoutGroup.partition(subscribers.values.map(\.handle.writer))
        fanoutGroups = groups
        return groups
    }
}
