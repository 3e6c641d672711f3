import ReverbEngine

/// One frame's view of the engine: the snapshot scoped by the selected app, sorted, with the
/// selected row of every pane resolved. Built once per frame from a snapshot and the console state;
/// panes draw from it and the reducer reads selections from it.
public struct ConsoleModel: Sendable {
    public let snapshot: EngineSnapshot
    public let rates: Rates
    public let rateHistory: [Double]
    /// Samples for the metrics view.
    public let metrics: MetricsHistory
    /// Every app, by id.
    public let apps: [AppSnapshot]
    /// The app the apps pane selects; nil means all apps.
    public let selectedApp: AppSnapshot?
    public let channels: [ScopedChannel]
    public let selectedChannel: ScopedChannel?
    /// The presence channel whose members are shown: the selected channel when it is a presence
    /// channel, else the first presence channel in scope.
    public let presenceChannel: ScopedChannel?
    public let selectedMember: MemberSnapshot?
    public let connections: [ConnectionSnapshot]
    public let selectedConnection: ConnectionSnapshot?

    /// Cluster-wide counts from Redis: set when the server scales over Redis and a view could be read. Apps,
    /// channels, presence members and connections then cover every node (`ConsoleModel+Cluster`).
    public let clusterView: ClusterView?
    /// This node's own apps by id, while `clusterView` is set (the panes' "Here" columns).
    public let localApps: [String: AppSnapshot]

    public init(
        snapshot: EngineSnapshot, state: ConsoleState, rates: Rates = .zero, rateHistory: [Double] = [],
        metrics: MetricsHistory = MetricsHistory()
    ) {
        self.snapshot = snapshot
        self.rates = rates
        self.rateHistory = rateHistory
        self.metrics = metrics
        let view = snapshot.cluster?.view
        self.clusterView = view
        let localApps = Dictionary(snapshot.apps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.localApps = view == nil ? [:] : localApps
        let apps = (view.map { Self.clusterWide(snapshot, view: $0) } ?? snapshot.apps).sorted { $0.id < $1.id }
        let localSubscribers = view == nil ? [:] : Self.localSubscribers(localApps)
        self.apps = apps
        let appCursor = Self.clamp(state.cursor(.apps), count: apps.count + 1)
        let selectedApp = appCursor > 0 ? apps[appCursor - 1] : nil
        self.selectedApp = selectedApp
        let scopedApps = selectedApp.map { [$0] } ?? apps

        let channels = scopedApps.flatMap { app in
            app.channels.sorted { $0.name < $1.name }.map { channel in
                ScopedChannel(
                    appID: app.id, channel: channel,
                    here: view == nil ? nil : localSubscribers[app.id]?[channel.name] ?? 0)
            }
        }
        self.channels = channels
        let selectedChannel =
            channels.isEmpty ? nil : channels[Self.clamp(state.cursor(.channels), count: channels.count)]
        self.selectedChannel = selectedChannel
        let presenceChannel =
            selectedChannel.flatMap { $0.channel.kind.access == .presence ? $0 : nil }
            ?? channels.first { $0.channel.kind.access == .presence }
        self.presenceChannel = presenceChannel
        let members = (presenceChannel?.channel.members ?? []).sorted { $0.userID < $1.userID }
        self.members = members
        selectedMember = members.isEmpty ? nil : members[Self.clamp(state.cursor(.presence), count: members.count)]

        // The engine sends each app's connections already in this order; only several apps need merging.
        let connections =
            scopedApps.count == 1
            ? scopedApps[0].connections
            : scopedApps.flatMap(\.connections).sorted { ($0.connectedAt, $0.socketID) < ($1.connectedAt, $1.socketID) }
        self.connections = connections
        selectedConnection =
            connections.isEmpty ? nil : connections[Self.clamp(state.cursor(.connections), count: connections.count)]
    }

    /// Open connections in scope (the connection rows may be older than this count on a large server).
    public var connectionCount: Int {
        (selectedApp.map { [$0] } ?? apps).reduce(0) { $0 + $1.connectionCount }
    }

    /// Presence members shown in the presence pane, by user id so rows keep their place between frames.
    public let members: [MemberSnapshot]

    /// How many rows a pane has (the stream's count comes from the state).
    public func rowCount(of pane: PaneID, state: ConsoleState) -> Int {
        switch pane {
        case .apps: apps.count + 1
        case .channels: channels.count
        case .presence: members.count
        case .connections: connections.count
        case .stream: state.stream.visibleCount
        }
    }

    /// Distinct presence users in scope, counted per app.
    public var presenceUserCount: Int {
        var users: Set<String> = []
        for scoped in channels where scoped.channel.kind.access == .presence {
            for member in scoped.channel.members { users.insert(scoped.appID + "\u{0}" + member.userID) }
        }
        return users.count
    }

    /// `index` clamped into `0..<count` (0 for an empty list).
    public static func clamp(_ index: Int, count: Int) -> Int {
        guard count > 0 else { return 0 }
        return min(max(0, index), count - 1)
    }
}
