import Synchronization
import Foundation

extension Engine {
    /// `host:pid`, looked up once: resolving the host name can take a DNS round trip.
    static let nodeID = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"

    /// Copies a summary of every app under each app's lock in turn (never two locks at once), and sorts the
    /// rows after letting go.
    /// Without connection rows (`includingConnections: false`) a snapshot costs little however many sockets are
    /// open: counts and totals only.
    func snapshot(listeningAddress: String, fileLimit: Int, includingConnections: Bool = true) -> EngineSnapshot {
        let apps = directory.all.map { app in
            registry(for: app).withState { state in
                AppSnapshot(app: app, state: state, includingConnections: includingConnections)
            }.sortedForDisplay()
        }
        let now = Date()
        let counters = totals.counters
        // Scaling replaces this with every node it hears from; alone, the node is this process.
        let node = NodeSnapshot(
            id: Self.nodeID,
            address: listeningAddress, connections: apps.reduce(0) { $0 + $1.connectionCount },
            messagesIn: counters.messagesIn, messagesOut: counters.messagesOut, redisState: "off", lastHeartbeat: now)
        var snapshot = EngineSnapshot(
            takenAt: now, startedAt: startedAt, listeningAddress: listeningAddress,
            tlsEnabled: configuration.tls != nil, apps: apps, counters: counters,
            residentMemoryBytes: ProcessStatistics.residentMemoryBytes(), fileLimit: fileLimit,
            droppedEvents: events.droppedCount, nodes: cluster.map { Self.nodes(of: $0.clusterState) } ?? [node],
            broadcastLatency: totals.broadcastLatency.snapshot, cluster: cluster?.clusterState)
        snapshot.protection = totals.protection.counters
        return snapshot
    }
}

extension Engine {
    /// The nodes pane's rows from the cluster's heartbeats; a node that heartbeats is connected to Redis.
    static func nodes(of cluster: ClusterState) -> [NodeSnapshot] {
        cluster.nodes.map { node in
            NodeSnapshot(
                id: node.id, address: node.address, connections: node.connections, messagesIn: node.messagesIn,
                messagesOut: node.messagesOut, redisState: node.isThisNode ? cluster.redisStatus : "connected",
                lastHeartbeat: node.heartbeatAt)
        }
    }
}

extension AppSnapshot {
    init(app: Application, state: AppState, includingConnections: Bool) {
        var messagesIn = state.closedMessagesIn
        var messagesOut = state.closedMessagesOut
        var connections: [ConnectionSnapshot] = []
        if includingConnections { connections.reserveCapacity(state.connectionCount) }
        for connection in state.connections.values {
            let handle = connection.handle
            let sent = handle.messagesOut
            let received = handle.messagesIn.load(ordering: .relaxed)
            messagesIn += received
            messagesOut += sent
            guard includingConnections else { continue }
            connections.append(
                ConnectionSnapshot(
                    socketID: handle.socketID, appID: app.id, origin: handle.origin,
                    channels: Array(connection.channels),
                    connectedAt: handle.connectedAt, lastSeenAt: handle.lastSeenAt, messagesIn: received,
                    messagesOut: sent, userID: state.users.userID(ofSocket: handle.socketID)))
        }
        let channels = state.channels.values.map { channel in
            ChannelSnapshot(
                name: channel.name, kind: channel.kind, subscriberCount: channel.subscribers.count,
                members: channel.roster.members.map { key, member in
                    MemberSnapshot(
                        userID: key, userInfo: (member.userInfo ?? .null).jsonText, connections: member.connections)
                },
                occupiedSince: channel.occupiedSince, lastEventName: channel.lastEventName,
                lastEventAt: channel.lastEventAt)
        }
        self.init(
            id: app.id, key: app.key, connections: connections, connectionCount: state.connectionCount,
            channels: channels, messagesIn: messagesIn, messagesOut: messagesOut)
    }

    /// Connections oldest first (ties by socket id), channels by name.
    func sortedForDisplay() -> AppSnapshot {
        var sorted = self
        sorted.connections.sort { ($0.connectedAt, $0.socketID) < ($1.connectedAt, $1.socketID) }
        sorted.channels.sort { $0.name < $1.name }
        return sorted
    }
}
