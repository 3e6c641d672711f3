import Foundation
import ReverbEngine

/// Cluster-wide apps for a console watching a node of a cluster (docs/console.md, "Attached to a cluster"):
/// this node's own state first-hand, the other nodes' from the view the server read from Redis.
extension ConsoleModel {
    /// The snapshot's apps with every node's sockets, channels, presence members and connection rows.
    static func clusterWide(_ snapshot: EngineSnapshot, view: ClusterView) -> [AppSnapshot] {
        let thisNode = snapshot.cluster?.nodeID
        let clusterApps = Dictionary(view.apps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let remoteRows = Dictionary(grouping: view.connections, by: \.appID)
        return snapshot.apps.map { app in
            guard let cluster = clusterApps[app.id] else { return app }
            var merged = app
            // This node's count is exact here; Redis may lag it by a moment, so only other nodes' come from there.
            let others = cluster.connectionsByNode.filter { $0.key != thisNode }.values.reduce(0, +)
            merged.connectionCount = app.connectionCount + others
            let local = Dictionary(app.channels.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            var channels = cluster.channels.map { channel in
                mergeChannel(local[channel.name], channel, takenAt: view.takenAt)
            }
            let named = Set(cluster.channels.map(\.name))
            channels += app.channels.filter { !named.contains($0.name) }
            merged.channels = channels
            if let rows = remoteRows[app.id], !rows.isEmpty {
                merged.connections = (app.connections + rows).sorted {
                    ($0.connectedAt, $0.socketID) < ($1.connectedAt, $1.socketID)
                }
            }
            return merged
        }
    }

    /// One channel's cluster counts, with this node's facts (occupied since, last event) where it has it.
    static func mergeChannel(
        _ local: ChannelSnapshot?, _ cluster: ClusterView.Channel, takenAt: Date
    )
        -> ChannelSnapshot
    {
        var channel =
            local ?? ChannelSnapshot(name: cluster.name, subscriberCount: cluster.subscriptions, occupiedSince: takenAt)
        channel.subscriberCount = max(cluster.subscriptions, local?.subscriberCount ?? 0)
        guard channel.kind.access == .presence else { return channel }
        var members = Dictionary(cluster.members.map { ($0.userID, $0) }, uniquingKeysWith: { first, _ in first })
        for member in local?.members ?? [] where members[member.userID] == nil {
            members[member.userID] = member  // Joined here a moment before Redis had it.
        }
        channel.members = members.values.sorted { $0.userID < $1.userID }
        return channel
    }

    /// Subscribers on this node: app id → channel → count.
    static func localSubscribers(_ apps: [String: AppSnapshot]) -> [String: [String: Int]] {
        apps.mapValues { app in
            Dictionary(app.channels.map { ($0.name, $0.subscriberCount) }, uniquingKeysWith: { first, _ in first })
        }
    }
}
