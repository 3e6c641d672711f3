import Foundation

/// The cluster as this node sees it, for the banner, the console header and a nodes pane: the Redis
/// connection's state and every node's last heartbeat. Plain values.
public struct ClusterState: Sendable, Hashable, Codable {
    /// One node's last heartbeat.
    public struct Node: Sendable, Hashable, Codable {
        public var id: String
        /// `host:port/path` the node listens on.
        public var address: String
        public var connections: Int
        public var messagesIn: Int
        public var messagesOut: Int
        public var startedAt: Date
        public var heartbeatAt: Date
        public var isThisNode: Bool

        public init(
            id: String, address: String, connections: Int, messagesIn: Int, messagesOut: Int, startedAt: Date,
            heartbeatAt: Date, isThisNode: Bool
        ) {
            self.id = id
            self.address = address
            self.connections = connections
            self.messagesIn = messagesIn
            self.messagesOut = messagesOut
            self.startedAt = startedAt
            self.heartbeatAt = heartbeatAt
            self.isThisNode = isThisNode
        }
    }

    /// This node's id (random per process).
    public var nodeID: String
    /// `redis://host:port` (never the password).
    public var redisAddress: String
    public var redisConnected: Bool
    /// Live nodes, this one included, ordered by address.
    public var nodes: [Node]
    /// Cluster-wide counts while a console watches and Redis answers (nil otherwise: then only this node's).
    public var view: ClusterView?

    public init(
        nodeID: String, redisAddress: String, redisConnected: Bool, nodes: [Node], view: ClusterView? = nil
    ) {
        self.nodeID = nodeID
        self.redisAddress = redisAddress
        self.redisConnected = redisConnected
        self.nodes = nodes
        self.view = view
    }

    /// `connected` or `unreachable, retrying`.
    public var redisStatus: String { redisConnected ? "connected" : "unreachable, retrying" }
}
