import Foundation
import NIOCore
import PusherClient
import Testing

@testable import ReverbEngine

/// The cluster-wide counts a console sees on a node of a cluster, read from a real `redis-server`.
@Suite("Cluster view for a watching console", .serialized)
struct ClusterViewTests {
    /// Polls `body` (which asks for a snapshot, so the console counts as watching) until it holds.
    func eventually(_ body: () -> Bool) async -> Bool {
        for _ in 0..<100 {
            if body() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return body()
    }

    @Test("a node's snapshot carries the cluster's counts and the other node's sockets while a console watches")
    func viewAcrossNodes() async throws {
        let redis = try RedisServerProcess()
        let scaling = ScalingConfiguration(
            enabled: true, channel: "v\(UUID().uuidString.prefix(8))", redis: RedisEndpoint(port: redis.port))
        let a = try await TestServer.start(scaling: scaling)
        let b = try await TestServer.start(scaling: scaling)
        // Nobody watches yet: no view, and no node publishes its rows.
        #expect(a.server.engine.snapshot(listeningAddress: "", fileLimit: 0).cluster?.view == nil)

        let local = try await a.connect()
        _ = try await local.subscribe("chat")
        let remote = try await b.connect()
        _ = try await remote.subscribe("chat")
        _ = try await remote.subscribe("presence-room", channelData: #"{"user_id":7,"user_info":{"name":"Cy"}}"#)

        let app = Fixtures.main.id
        let bNode = try #require(b.server.clusterState?.nodeID)
        let aNode = try #require(a.server.clusterState?.nodeID)
        let seen = await eventually {
            guard let view = a.server.snapshot().cluster?.view,
                let counts = view.apps.first(where: { $0.id == app })
            else { return false }
            let chat = counts.channels.first { $0.name == "chat" }
            let room = counts.channels.first { $0.name == "presence-room" }
            return counts.connectionsByNode == [aNode: 1, bNode: 1] && chat?.subscriptions == 2
                && room?.members == [MemberSnapshot(userID: "7", userInfo: #"{"name":"Cy"}"#, connections: 1)]
                && view.connections.map(\.socketID) == [remote.socketID]
        }
        #expect(seen)
        let row = try #require(a.server.snapshot().cluster?.view?.connections.first)
        let address = b.server.clusterState?.nodes.first { $0.id == bNode }?.address ?? ""
        #expect(row.node == (address.isEmpty ? bNode : address))
        #expect(row.channels.sorted() == ["chat", "presence-room"])
        // This node's own rows come first-hand from its snapshot, never from Redis.
        #expect(row.socketID != local.socketID)

        // A kick of the listed socket from node A closes it on node B.
        #expect(a.server.closeConnection(appID: app, socketID: row.socketID, code: 4009))
        let error = try #require(await remote.receive())
        #expect(error.contains("4009"))
        #expect(
            await eventually {
                a.server.snapshot().cluster?.view?.apps.first { $0.id == app }?.connectionCount == 1
            })
        await local.close()
        await a.stop()
        await b.stop()
    }

    @Test("a console signed for one app keeps that app's counts and rows only")
    func keepsOneApp() {
        let now = Date()
        var view = ClusterView(
            takenAt: now,
            apps: [
                ClusterView.App(id: "1", connectionsByNode: ["n": 1]),
                ClusterView.App(id: "2", connectionsByNode: ["n": 2]),
            ],
            connections: [
                ConnectionSnapshot(socketID: "1.1", appID: "1", connectedAt: now, lastSeenAt: now),
                ConnectionSnapshot(socketID: "2.2", appID: "2", connectedAt: now, lastSeenAt: now),
            ])
        view.keep(appID: "2")
        #expect(view.apps.map(\.id) == ["2"])
        #expect(view.connections.map(\.socketID) == ["2.2"])
    }

    @Test("a snapshot without a view (an older server) still decodes")
    func decodesWithoutView() throws {
        let state = ClusterState(nodeID: "n", redisAddress: "redis://127.0.0.1:6379", redisConnected: true, nodes: [])
        let data = try ConsoleStreamCoding.encoder().encode(state)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["view"] = nil
        let decoded = try ConsoleStreamCoding.decoder().decode(
            ClusterState.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.view == nil && decoded.nodeID == "n")
    }
}
