import Foundation

/// A consistent copy of the engine's state at one moment, for the console to render. Plain values only.
public struct EngineSnapshot: Sendable, Hashable, Codable {
    public var takenAt: Date
    public var startedAt: Date
    /// `host:port` the server listens on, with the path prefix when there is one.
    public var listeningAddress: String
    public var tlsEnabled: Bool
    public var apps: [AppSnapshot]
    public var counters: EngineCounters
    /// Resident memory of the process in bytes (0 where it cannot be read).
    public var residentMemoryBytes: Int
    /// The soft limit on open files after start-up raised it.
    public var fileLimit: Int
    /// Observer rows lost because an observer could not keep up.
    public var droppedEvents: Int
    /// The server nodes: this one alone when scaling is off, every node heard from when it is on.
    public var nodes: [NodeSnapshot]
    /// Cumulative per-broadcast latency counts; a window is the difference between two snapshots.
    public var broadcastLatency: LatencyHistogramSnapshot
    /// Scaling over Redis, when on: the Redis address (never the password) and its state.
    public var cluster: ClusterState?
    /// Connections the server closed or refused to protect itself.
    public var protection = ProtectionCounters()

    public init(
        takenAt: Date = Date(), startedAt: Date = Date(), listeningAddress: String = "", tlsEnabled: Bool = false,
        apps: [AppSnapshot] = [], counters: EngineCounters = EngineCounters(), residentMemoryBytes: Int = 0,
        fileLimit: Int = 0, droppedEvents: Int = 0, nodes: [NodeSnapshot] = [],
        broadcastLatency: LatencyHistogramSnapshot = LatencyHistogramSnapshot(), cluster: ClusterState? = nil
    ) {
        self.cluster = cluster
        self.takenAt = takenAt
        self.startedAt = startedAt
        self.listeningAddress = listeningAddress
        self.tlsEnabled = tlsEnabled
        self.apps = apps
        self.counters = counters
        self.residentMemoryBytes = residentMemoryBytes
        self.fileLimit = fileLimit
        self.droppedEvents = droppedEvents
        self.nodes = nodes
        self.broadcastLatency = broadcastLatency
    }
}

/// Monotonic totals since start; rates are differences between two snapshots.
public struct EngineCounters: Sendable, Hashable, Codable {
    public var messagesIn: Int
    public var messagesOut: Int
    public var apiRequests: Int
    public var connectionsOpened: Int
    public var connectionsClosed: Int

    public init(
        messagesIn: Int = 0, messagesOut: Int = 0, apiRequests: Int = 0, connectionsOpened: Int = 0,
        connectionsClosed: Int = 0
    ) {
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
        self.apiRequests = apiRequests
        self.connectionsOpened = connectionsOpened
        self.connectionsClosed = connectionsClosed
    }
}

/// One app: its identity, its open connections and its occupied channels.
public struct AppSnapshot: Sendable, Hashable, Codable {
    public var id: String
    public var key: String
    /// Open connections, whether or not `connections` lists them.
    public var connectionCount: Int
    /// One row per connection; empty in a snapshot taken without connection rows.
    public var connections: [ConnectionSnapshot]
    public var channels: [ChannelSnapshot]
    public var messagesIn: Int
    public var messagesOut: Int

    public init(
        id: String, key: String, connections: [ConnectionSnapshot] = [], connectionCount: Int? = nil,
        channels: [ChannelSnapshot] = [], messagesIn: Int = 0, messagesOut: Int = 0
    ) {
        self.id = id
        self.key = key
        self.connections = connections
        self.connectionCount = connectionCount ?? connections.count
        self.channels = channels
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
    }
}

/// One occupied channel.
public struct ChannelSnapshot: Sendable, Hashable, Codable {
    public var name: String
    public var kind: ChannelKind
    public var subscriberCount: Int
    /// Presence members, in join order (empty for other kinds).
    public var members: [MemberSnapshot]
    public var occupiedSince: Date
    public var lastEventName: String?
    public var lastEventAt: Date?

    public init(
        name: String, kind: ChannelKind? = nil, subscriberCount: Int, members: [MemberSnapshot] = [],
        occupiedSince: Date, lastEventName: String? = nil, lastEventAt: Date? = nil
    ) {
        self.name = name
        self.kind = kind ?? ChannelKind(channelName: name)
        self.subscriberCount = subscriberCount
        self.members = members
        self.occupiedSince = occupiedSince
        self.lastEventName = lastEventName
        self.lastEventAt = lastEventAt
    }

    /// Distinct presence users.
    public var userCount: Int { members.count }
}

/// One presence user on one channel.
public struct MemberSnapshot: Sendable, Hashable, Codable {
    /// The user id as text (`42`, `"alice"` becomes `alice`).
    public var userID: String
    /// `user_info` as compact JSON text (`{"name":"Ann"}`), or `null` when absent.
    public var userInfo: String
    /// How many of this user's connections are subscribed.
    public var connections: Int

    public init(userID: String, userInfo: String, connections: Int) {
        self.userID = userID
        self.userInfo = userInfo
        self.connections = connections
    }
}

/// One open WebSocket connection.
public struct ConnectionSnapshot: Sendable, Hashable, Codable {
    public var socketID: String
    public var appID: String
    public var origin: String?
    public var channels: [String]
    public var connectedAt: Date
    public var lastSeenAt: Date
    public var messagesIn: Int
    public var messagesOut: Int
    /// The user this socket signed in as with `pusher:signin`, if it did.
    public var userID: String?
    /// The node holding the socket (its address), for rows of other nodes of a cluster; nil on this node.
    public var node: String? = nil

    public init(
        socketID: String, appID: String, origin: String? = nil, channels: [String] = [], connectedAt: Date,
        lastSeenAt: Date, messagesIn: Int = 0, messagesOut: Int = 0, userID: String? = nil
    ) {
        self.userID = userID
        self.socketID = socketID
        self.appID = appID
        self.origin = origin
        self.channels = channels
        self.connectedAt = connectedAt
        self.lastSeenAt = lastSeenAt
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
    }
}
