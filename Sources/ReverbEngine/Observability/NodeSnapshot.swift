import Foundation

/// One server node as the console's nodes pane shows it: this process when scaling is off, every node that
/// sent a heartbeat when it is on.
public struct NodeSnapshot: Sendable, Hashable, Codable {
    /// A stable name for the node (`host:port` and process id unless scaling names it).
    public var id: String
    /// Where clients reach the node (`host:port/path`).
    public var address: String
    /// Open connections on the node.
    public var connections: Int
    /// Monotonic totals on the node; rates are differences between two snapshots.
    public var messagesIn: Int
    public var messagesOut: Int
    /// The node's link to Redis in a few words (`off` when scaling is off, `connected`, `reconnecting`).
    public var redisState: String
    /// When the node was last heard from (now, for this node).
    public var lastHeartbeat: Date

    public init(
        id: String, address: String, connections: Int = 0, messagesIn: Int = 0, messagesOut: Int = 0,
        redisState: String = "off", lastHeartbeat: Date
    ) {
        self.id = id
        self.address = address
        self.connections = connections
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
        self.redisState = redisState
        self.lastHeartbeat = lastHeartbeat
    }
}
