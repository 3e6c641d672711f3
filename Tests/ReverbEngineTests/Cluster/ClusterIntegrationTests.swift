import Foundation
import NIOCore
import PusherClient
import Testing

@testable import ReverbEngine

/// Two servers in this process, each with its own Redis connections, sharing a real `redis-server`.
@Suite("Cluster over a real Redis", .serialized)
struct ClusterIntegrationTests {
    func pair(_ redis: RedisServerProcess) async throws -> (TestServer, TestServer) {
        let scaling = ScalingConfiguration(
            enabled: true, channel: "t\(UUID().uuidString.prefix(8))", redis: RedisEndpoint(port: redis.port))
        let a = try await TestServer.start(scaling: scaling)
        let b = try await TestServer.start(scaling: scaling)
        for server in [a, b] {
            #expect(server.server.clusterState?.redisConnected == true)
        }
        return (a, b)
    }

    @Test("an API event on one node reaches the other node's subscriber once")
    func eventsCross() async throws {
        let redis = try RedisServerProcess()
        let (a, b) = try await pair(redis)
        let subscriber = try await b.connect()
        _ = try await subscriber.subscribe("orders")
        let response = try await a.api(
            "POST", "/apps/123456/events", body: #"{"name":"Placed","channel":"orders","data":"{}"}"#)
        #expect(response.status == 200)
        let received = try #require(await subscriber.receive())
        #expect(received.contains(#""event":"Placed""#))
        #expect(await subscriber.expectSilence(for: .milliseconds(300)) == nil)
        await subscriber.close()
        await a.stop()
        await b.stop()
    }

    @Test("presence and counts are the cluster's, and the API answers them from either node")
    func presenceAcrossNodes() async throws {
        let redis = try RedisServerProcess()
        let (a, b) = try await pair(redis)
        let first = try await a.connect()
        _ = try await first.subscribe("presence-room", channelData: #"{"user_id":1,"user_info":{"n":"a"}}"#)
        let second = try await b.connect()
        let succeeded = try #require(
            try await second.subscribe("presence-room", channelData: #"{"user_id":2}"#))
        #expect(succeeded.contains(#"\"count\":2"#))
        let added = try #require(await first.receive())
        #expect(added.contains("member_added") && added.contains(#"\"user_id\":2"#))
        for server in [a, b] {
            let users = try await server.api("GET", "/apps/123456/channels/presence-room/users")
            #expect(users.status == 200)
            #expect(users.body.contains(#"{"id":1}"#) && users.body.contains(#"{"id":2}"#))
            let connections = try await server.api("GET", "/apps/123456/connections")
            #expect(connections.body == #"{"connections":2}"#)
        }
        await second.close()
        let removed = try #require(await first.receive())
        #expect(removed.contains("member_removed") && removed.contains(#"\"user_id\":2"#))
        await first.close()
        await a.stop()
        await b.stop()
    }
}

/// The console's commands and the restart signal, across nodes.
@Suite("Cluster commands over a real Redis", .serialized)
struct ClusterCommandTests {
    func pair(_ redis: RedisServerProcess) async throws -> (TestServer, TestServer, ScalingConfiguration) {
        let scaling = ScalingConfiguration(
            enabled: true, channel: "c\(UUID().uuidString.prefix(8))", redis: RedisEndpoint(port: redis.port))
        return (try await TestServer.start(scaling: scaling), try await TestServer.start(scaling: scaling), scaling)
    }

    @Test("an injection, a kick and a terminate from one node's console reach the other node's sockets")
    func consoleCommands() async throws {
        let redis = try RedisServerProcess()
        let (a, b, _) = try await pair(redis)
        let remote = try await b.connect()
        _ = try await remote.subscribe("news")
        let delivered = try a.server.publish(
            PublishRequest(appID: Fixtures.main.id, channels: ["news"], event: "Injected", data: "{}"))
        #expect(delivered == 0)  // none here; the other node delivers its own
        let injected = try #require(await remote.receive())
        #expect(injected.contains(#""event":"Injected""#))
        #expect(a.server.closeConnection(appID: Fixtures.main.id, socketID: remote.socketID, code: 4003))
        let error = try #require(await remote.receive())
        #expect(error.contains("4003"))

        let member = try await b.connect()
        _ = try await member.subscribe("presence-staff", channelData: #"{"user_id":"kim"}"#)
        #expect(a.server.terminateUser(appID: Fixtures.main.id, userID: "kim") == 0)
        let terminated = try #require(await member.receive())
        #expect(terminated.contains("4009"))
        await a.stop()
        await b.stop()
    }

    @Test("ClusterRestart.broadcast reaches every node and each one's run() returns")
    func restart() async throws {
        let redis = try RedisServerProcess()
        let (a, b, scaling) = try await pair(redis)
        let runs = [a, b].map { server in Task { try await server.server.run() } }
        var configuration = ServerConfiguration(apps: [Fixtures.main])
        configuration.scaling = scaling
        #expect(try await ClusterRestart.broadcast(configuration: configuration) == 2)
        for run in runs { try await run.value }
    }
}
