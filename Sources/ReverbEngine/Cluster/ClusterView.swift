import Foundation

/// The cluster-wide counts a console shows while it watches a node of a cluster (docs/console.md, "Attached to a
/// cluster"): every node's sockets per app and every occupied channel's subscriptions and presence members, read
/// from the cluster state in Redis once a second, plus the connection rows the other nodes publish while a
/// console watches. Plain values.
public struct ClusterView: Sendable, Hashable, Codable {
    /// One app across the cluster.
    public struct App: Sendable, Hashable, Codable {
        public var id: String
        /// Node id → sockets of this app on that node (nodes without sockets are absent).
        public var connectionsByNode: [String: Int]
        /// Occupied channels anywhere in the cluster, by name.
        public var channels: [Channel]

        public init(id: String, connectionsByNode: [String: Int] = [:], channels: [Channel] = []) {
            self.id = id
            self.connectionsByNode = connectionsByNode
            self.channels = channels
        }

        /// Sockets of this app on every node.
        public var connectionCount: Int { connectionsByNode.values.reduce(0, +) }
    }

    /// One channel occupied somewhere in the cluster.
    public struct Channel: Sendable, Hashable, Codable {
        public var name: String
        /// Subscriptions on every node.
        public var subscriptions: Int
        /// Distinct presence users on every node, with their sockets summed over the nodes (presence only).
        public var members: [MemberSnapshot]

        public init(name: String, subscriptions: Int, members: [MemberSnapshot] = []) {
            self.name = name
            self.subscriptions = subscriptions
            self.members = members
        }
    }

    /// When Redis answered.
    public var takenAt: Date
    public var apps: [App]
    /// Connection rows of the other nodes (each with its `node`), as they last published them; a node with more
    /// than `Cluster.publishedRowLimit` sockets publishes none.
    public var connections: [ConnectionSnapshot]

    public init(takenAt: Date, apps: [App] = [], connections: [ConnectionSnapshot] = []) {
        self.takenAt = takenAt
        self.apps = apps
        self.connections = connections
    }

    /// Keeps one app only: what a console signed for that app may see.
    public mutating func keep(appID: String) {
        apps.removeAll { $0.id != appID }
        connections.removeAll { $0.appID != appID }
    }
}
