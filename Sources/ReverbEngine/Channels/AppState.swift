import Foundation
import NIOCore
import OrderedCollections
import Synchronization

/// What a subscription changed, for the caller to send once the registry lock is released.
struct SubscribeOutcome {
    var channelOccupied = false
    /// The encoded roster after the join, for presence channels.
    var presence: PresenceRoster.Encoding?
    /// True when a presence user who was not on the channel joined.
    var userJoined = false
    /// When a new presence user joined: who must hear `member_added`.
    var memberAddedRecipients: [FanoutGroup] = []
    /// For cache channels: `.some(payload)` to replay, `.some(nil)` for `pusher:cache_miss`.
    var cache: ByteBuffer??
}

/// What leaving a channel changed.
struct Departure {
    var channel: String
    var vacated: Bool
    /// The presence user id the subscription carried, if any.
    var userID: JSONValue?
    /// When a presence user's last socket left: the user and who must hear `member_removed`.
    var memberRemoved: (userID: JSONValue, recipients: [FanoutGroup])?
}

/// All sockets and channels of one app, with reverse indexes so that a disconnect costs in proportion to
/// that socket's own subscriptions. A plain value: `AppRegistry` guards it with a lock.
struct AppState {
    struct Connection {
        let handle: ConnectionHandle
        var channels: OrderedSet<String> = []
    }

    private(set) var connections: [String: Connection] = [:]
    private(set) var channels: [String: ChannelState] = [:]
    /// Presence user key → socket ids holding at least one presence subscription as that user.
    private(set) var userSockets: [String: [String: Int]] = [:]
    /// Sockets signed in with `pusher:signin`, and watchlists (docs/users.md).
    var users = UserDirectory()
    var subscriptionCounts = SubscriptionCountThrottle()

    /// Messages counted on sockets that have since closed, so per-app totals only grow.
    private(set) var closedMessagesIn = 0
    private(set) var closedMessagesOut = 0

    var connectionCount: Int { connections.count }

    /// Adds an open socket, unless the app is at `max_connections`.
    mutating func open(_ handle: ConnectionHandle) throws(PusherError) {
        if let limit = handle.app.maxConnections, connections.count >= limit { throw .overQuota }
        connections[handle.socketID] = Connection(handle: handle)
    }

    /// Removes a socket and every subscription it held.
    mutating func close(socketID: String) -> [Departure] {
        guard let connection = connections[socketID] else { return [] }
        let departures = connection.channels.compactMap { unsubscribe(socketID: socketID, channel: $0) }
        connections.removeValue(forKey: socketID)
        closedMessagesIn += connection.handle.messagesIn.load(ordering: .relaxed)
        closedMessagesOut += connection.handle.messagesOut
        return departures
    }

    func handle(socketID: String) -> ConnectionHandle? { connections[socketID]?.handle }

    func subscriber(socketID: String, channel: String) -> Subscriber? { channels[channel]?.subscribers[socketID] }

    mutating func subscribe(
        _ handle: ConnectionHandle, to name: String, userID: JSONValue?, channelData: JSONValue?, now: Date
    ) -> SubscribeOutcome {
        var outcome = SubscribeOutcome()
        var channel =
            channels.removeValue(forKey: name)
            ?? {
                outcome.channelOccupied = true
                return ChannelState(name: name, now: now)
            }()
        let previous = channel.add(Subscriber(handle: handle, userID: userID))
        // The channel's own copy of the name: every subscriber shares its storage instead of keeping the one its
        // subscribe message was decoded into (a heap string per socket for names over 15 bytes).
        connections[handle.socketID]?.channels.append(channel.name)

        if channel.kind.access == .presence {
            // A socket subscribing again as the same user changes nothing others can see.
            let rejoins =
                previous != nil && previous?.userID.flatMap(PresenceRoster.key) == userID.flatMap(PresenceRoster.key)
            if let previousID = previous?.userID {
                leaveRoster(&channel, userID: previousID, socketID: handle.socketID)
            }
            if let userID, let key = PresenceRoster.key(for: userID) {
                let info = channelData?["user_info"]
                if channel.roster.join(userID: userID, userInfo: info), !rejoins {
                    outcome.userJoined = true
                    outcome.memberAddedRecipients = channel.fanout().excluding(handle.writer)
                }
                userSockets[key, default: [:]][handle.socketID, default: 0] += 1
            }
            outcome.presence = channel.roster.encoding
        }
        if channel.kind.isCache { outcome.cache = .some(channel.cachedPayload) }
        channels[channel.name] = channel
        return outcome
    }

    /// Removes one subscription; nil when the socket was not subscribed.
    mutating func unsubscribe(socketID: String, channel name: String) -> Departure? {
        guard var channel = channels.removeValue(forKey: name) else { return nil }
        guard let removed = channel.remove(socketID: socketID) else {
            channels[name] = channel
            return nil
        }
        connections[socketID]?.channels.remove(name)
        var departure = Departure(channel: name, vacated: channel.isEmpty, userID: removed.userID)
        if let userID = removed.userID, leaveRoster(&channel, userID: userID, socketID: socketID) {
            departure.memberRemoved = (userID, channel.fanout())
        }
        if !channel.isEmpty { channels[name] = channel }
        return departure
    }

    /// Takes one socket of a user off a roster; true when it was the user's last.
    @discardableResult
    private mutating func leaveRoster(_ channel: inout ChannelState, userID: JSONValue, socketID: String) -> Bool {
        if let key = PresenceRoster.key(for: userID), var sockets = userSockets[key], let count = sockets[socketID] {
            sockets[socketID] = count > 1 ? count - 1 : nil
            userSockets[key] = sockets.isEmpty ? nil : sockets
        }
        return channel.roster.leave(userID: userID) != nil
    }

    /// Who receives a broadcast on `name`, without `excluded`, grouped by event loop.
    mutating func recipients(of name: String, excluding excluded: String?) -> [FanoutGroup] {
        guard let index = channels.index(forKey: name) else { return [] }
        return Self.recipients(in: &channels.values[index], excluding: excluded)
    }

    /// Remembers a broadcast's event on its channel (and its payload, on cache channels) and returns who receives
    /// it, without `excluded`.
    mutating func broadcast(
        on name: String, eventName: String, payload: ByteBuffer, now: Date, excluding excluded: String?
    ) -> [FanoutGroup] {
        guard let index = channels.index(forKey: name) else { return [] }
        // The channel is changed where it is stored (`values[index]`): taking it out and putting it back would
        // hash its name twice more and rebuild its bucket, for every message.
        Self.record(eventName, payload: payload, now: now, in: &channels.values[index])
        return Self.recipients(in: &channels.values[index], excluding: excluded)
    }

    /// Remembers the last event of a channel (and its payload, on cache channels).
    private static func record(_ eventName: String, payload: ByteBuffer, now: Date, in channel: inout ChannelState) {
        channel.lastEventName = eventName
        channel.lastEventAt = now
        if channel.kind.isCache { channel.cachedPayload = payload }
    }

    private static func recipients(in channel: inout ChannelState, excluding excluded: String?) -> [FanoutGroup] {
        let groups = channel.fanout()
        guard let excluded, let subscriber = channel.subscribers[excluded] else { return groups }
        return groups.excluding(subscriber.handle.writer)
    }

    func channel(named name: String) -> ChannelState? { channels[name] }

    /// Sockets that hold a presence subscription as `userID` or are signed in as it.
    func sockets(ofUser userID: String) -> [ConnectionHandle] {
        let presence = userSockets[userID] ?? [:]
        return presence.keys.compactMap { connections[$0]?.handle }
            + users.handles(ofUser: userID).filter { presence[$0.socketID] == nil }
    }
}

extension AppState {
    var allHandles: [ConnectionHandle] { connections.values.map(\.handle) }
}
