import Foundation
import PusherClient
import Testing
@testable import ReverbEngine

@Suite("Channels over loopback")
struct ChannelTests {
    let error4009 = #"{"event":"pusher:error","data":"{\"code\":4009,\"message\":\"Connection is unauthorized\"}"}"#

    @Test("public, private, encrypted and cache subscriptions succeed with Reverb's exact reply")
    func subscriptions() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            for channel in ["test-channel", "private-test-channel", "private-encrypted-test-channel"] {
                #expect(
                    try await connection.subscribe(channel)
                        == #"{"event":"pusher_internal:subscription_succeeded","data":"{}","channel":"\#(channel)"}"#)
            }
            for channel in ["cache-test-channel", "private-cache-test-channel", "private-encrypted-cache-test-channel"]
            {
                #expect(
                    try await connection.subscribe(channel)
                        == #"{"event":"pusher_internal:subscription_succeeded","data":"{}","channel":"\#(channel)"}"#)
                #expect(await connection.receive() == #"{"event":"pusher:cache_miss","channel":"\#(channel)"}"#)
            }
            let snapshot = server.server.snapshot()
            let app = try #require(snapshot.apps.first { $0.id == Fixtures.main.id })
            #expect(app.channels.count == 6)
            #expect(app.connections.first?.channels.count == 6)
        }
    }

    @Test(
        "wrong, missing or null auth on private and presence channels gets 4009",
        arguments: [
            "private-a", "presence-a", "private-cache-a", "presence-cache-a", "private-encrypted-a",
        ])
    func unauthorized(channel: String) async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            try await connection.send(
                #"{"event":"pusher:subscribe","data":{"channel":"\#(channel)","auth":"reverb-key:deadbeef"}}"#)
            #expect(await connection.receive() == error4009)
            try await connection.send(#"{"event":"pusher:subscribe","data":{"channel":"\#(channel)","auth":null}}"#)
            #expect(await connection.receive() == error4009)
            try await connection.send(#"{"event":"pusher:subscribe","data":{"channel":"\#(channel)"}}"#)
            #expect(await connection.receive() == error4009)
        }
    }

    @Test("presence: exact roster, member_added to others, per-user member_removed")
    func presence() async throws {
        try await TestServer.with() { server in
            let channel = "presence-test-channel"
            let first = try await server.connect()
            let one = #"{"user_id":1,"user_info":{"name":"Test User"}}"#
            #expect(
                try await first.subscribe(channel, channelData: one)
                    == #"{"event":"pusher_internal:subscription_succeeded","data":"{\"presence\":{\"count\":1,\"ids\":[1],\"hash\":{\"1\":{\"name\":\"Test User\"}}}}","channel":"presence-test-channel"}"#
            )

            let second = try await server.connect()
            let two = #"{"user_id":2,"user_info":{"name":"Test User 2"}}"#
            #expect(
                try await second.subscribe(channel, channelData: two)
                    == #"{"event":"pusher_internal:subscription_succeeded","data":"{\"presence\":{\"count\":2,\"ids\":[1,2],\"hash\":{\"1\":{\"name\":\"Test User\"},\"2\":{\"name\":\"Test User 2\"}}}}","channel":"presence-test-channel"}"#
            )
            #expect(
                await first.receive()
                    == #"{"event":"pusher_internal:member_added","data":"{\"user_id\":2,\"user_info\":{\"name\":\"Test User 2\"}}","channel":"presence-test-channel"}"#
            )

            // A second tab of user 2: nobody hears about it, and the roster counts the user once.
            let secondTab = try await server.connect()
            #expect(try await secondTab.subscribe(channel, channelData: two)?.contains(#"\"count\":2"#) == true)
            #expect(await first.expectSilence() == nil)

            await second.close()
            #expect(await first.expectSilence() == nil, "user 2 still has a tab open")
            await secondTab.close()
            #expect(
                await first.receive()
                    == #"{"event":"pusher_internal:member_removed","data":"{\"user_id\":2}","channel":"presence-test-channel"}"#
            )
        }
    }

    @Test("cache channels replay the last event to new subscribers")
    func cacheReplay() async throws {
        try await TestServer.with() { server in
            let holder = try await server.connect()
            _ = try await holder.subscribe("cache-test-channel")
            _ = await holder.receive()
            let delivered = try server.server.publish(
                PublishRequest(
                    appID: Fixtures.main.id, channels: ["cache-test-channel"], event: "App\\Events\\TestEvent",
                    data: #"{"foo":"bar"}"#))
            #expect(delivered == 1)
            #expect(
                await holder.receive()
                    == #"{"event":"App\\Events\\TestEvent","data":"{\"foo\":\"bar\"}","channel":"cache-test-channel"}"#)
            let late = try await server.connect()
            _ = try await late.subscribe("cache-test-channel")
            #expect(
                await late.receive()
                    == #"{"event":"App\\Events\\TestEvent","data":"{\"foo\":\"bar\"}","channel":"cache-test-channel"}"#)
        }
    }

    @Test("unsubscribe is silent, stops delivery, and the empty channel disappears")
    func unsubscribe() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            _ = try await connection.subscribe("test-channel")
            try await connection.send(#"{"event":"pusher:unsubscribe","data":{"channel":"test-channel"}}"#)
            try await connection.send(#"{"event":"pusher:ping"}"#)
            #expect(await connection.receive() == #"{"event":"pusher:pong"}"#)
            let delivered = try server.server.publish(
                PublishRequest(appID: Fixtures.main.id, channels: ["test-channel"], event: "x", data: "{}"))
            #expect(delivered == 0)
            #expect(server.server.snapshot().apps.first { $0.id == Fixtures.main.id }?.channels.isEmpty == true)
        }
    }

    @Test("apps are isolated: the same channel name on two apps are two channels")
    func isolation() async throws {
        try await TestServer.with() { server in
            let mine = try await server.connect()
            let theirs = try await server.connect(key: Fixtures.limited.key)
            _ = try await mine.subscribe("shared")
            _ = try await theirs.subscribe("shared", app: Fixtures.limited)
            #expect(
                try server.server.publish(
                    PublishRequest(appID: Fixtures.main.id, channels: ["shared"], event: "e", data: "1")) == 1)
            #expect(await mine.receive() == #"{"event":"e","data":"1","channel":"shared"}"#)
            #expect(await theirs.expectSilence() == nil)
        }
    }
}

@Suite("Client events over loopback")
struct ClientEventTests {
    @Test("on a presence channel: relayed to others with the sender's user_id, never echoed")
    func presenceWhisper() async throws {
        try await TestServer.with() { server in
            let alice = try await server.connect()
            let bob = try await server.connect()
            _ = try await alice.subscribe("presence-room", channelData: #"{"user_id":"alice"}"#)
            _ = try await bob.subscribe("presence-room", channelData: #"{"user_id":"bob"}"#)
            _ = await alice.receive()
            try await alice.send(
                #"{"event":"client-typing","channel":"presence-room","data":{"id":123,"name":"Joe Dixon"}}"#)
            #expect(
                await bob.receive()
                    == #"{"event":"client-typing","channel":"presence-room","data":{"id":123,"name":"Joe Dixon"},"user_id":"alice"}"#
            )
            #expect(await alice.expectSilence() == nil)
        }
    }

    @Test("on a public or encrypted channel: refused with 4301 and not relayed (docs/protocol.md, Client events)")
    func publicRefused() async throws {
        try await TestServer.with() { server in
            let sender = try await server.connect()
            let listener = try await server.connect()
            for channel in ["public-room", "private-encrypted-room"] {
                _ = try await sender.subscribe(channel)
                _ = try await listener.subscribe(channel)
                try await sender.send(#"{"event":"client-x","channel":"\#(channel)","data":{}}"#)
                #expect(
                    await sender.receive()
                        == #"{"event":"pusher:error","data":"{\"code\":4301,\"message\":\"Client events are only allowed on private and presence channels.\"}"}"#
                )
                #expect(await listener.expectSilence() == nil)
            }
        }
    }

    @Test("members mode: a non-member gets 4009; none mode: 4301; all mode: anyone may whisper")
    func policies() async throws {
        try await TestServer.with() { server in
            let outsider = try await server.connect()
            try await outsider.send(#"{"event":"client-x","channel":"private-room","data":{}}"#)
            #expect(
                await outsider.receive()
                    == #"{"event":"pusher:error","data":"{\"code\":4009,\"message\":\"The client is not a member of the specified channel.\"}"}"#
            )

            let silent = try await server.connect(key: Fixtures.silent.key)
            _ = try await silent.subscribe("private-room", app: Fixtures.silent)
            try await silent.send(#"{"event":"client-x","channel":"private-room","data":{}}"#)
            #expect(
                await silent.receive()
                    == #"{"event":"pusher:error","data":"{\"code\":4301,\"message\":\"The app does not have client messaging enabled.\"}"}"#
            )

            let member = try await server.connect(key: Fixtures.open.key)
            let stranger = try await server.connect(key: Fixtures.open.key)
            _ = try await member.subscribe("private-room", app: Fixtures.open)
            try await stranger.send(#"{"event":"client-x","channel":"private-room","data":{"from":"outside"}}"#)
            #expect(
                await member.receive() == #"{"event":"client-x","channel":"private-room","data":{"from":"outside"}}"#)
            #expect(await stranger.expectSilence() == nil)
        }
    }

    @Test("data sent as a JSON string is relayed as an object (Reverb #352)")
    func stringData() async throws {
        try await TestServer.with() { server in
            let a = try await server.connect()
            let b = try await server.connect()
            _ = try await a.subscribe("private-room")
            _ = try await b.subscribe("private-room")
            try await a.send(#"{"event":"client-x","channel":"private-room","data":"{\"k\":1}"}"#)
            #expect(await b.receive() == #"{"event":"client-x","channel":"private-room","data":{"k":1}}"#)
        }
    }
}

@Suite("Engine commands and observation")
struct CommandTests {
    @Test("closeConnection sends pusher:error with the chosen code then a close frame with it")
    func kick() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            #expect(server.server.closeConnection(appID: Fixtures.main.id, socketID: connection.socketID, code: 4201))
            #expect(
                await connection.receive()
                    == #"{"event":"pusher:error","data":"{\"code\":4201,\"message\":\"Connection closed by the server operator\"}"}"#
            )
            #expect(
                await connection.client.receive()
                    == .close(code: 4201, reason: "Connection closed by the server operator"))
            #expect(!server.server.closeConnection(appID: Fixtures.main.id, socketID: "1.1", code: 4200))
        }
    }

    @Test("terminateUser closes every socket of the user, whatever channel it joined first (#399)")
    func terminate() async throws {
        try await TestServer.with() { server in
            let tab1 = try await server.connect()
            let tab2 = try await server.connect()
            let other = try await server.connect()
            _ = try await tab1.subscribe("public-first")
            _ = try await tab1.subscribe("presence-a", channelData: #"{"user_id":456}"#)
            _ = try await tab2.subscribe("presence-b", channelData: #"{"user_id":"456"}"#)
            _ = try await other.subscribe("presence-a", channelData: #"{"user_id":7}"#)
            _ = await tab1.receive()
            #expect(server.server.terminateUser(appID: Fixtures.main.id, userID: "456") == 2)
            for tab in [tab1, tab2] {
                #expect(
                    await tab.receive()
                        == #"{"event":"pusher:error","data":"{\"code\":4009,\"message\":\"Connection terminated by the server\"}"}"#
                )
            }
            #expect(
                await other.receive()
                    == #"{"event":"pusher_internal:member_removed","data":"{\"user_id\":456}","channel":"presence-a"}"#)
        }
    }

    @Test("observers see connection, subscription, occupancy and broadcast events; nothing is kept without observers")
    func observation() async throws {
        try await TestServer.with() { server in
            let unobserved = try await server.connect()
            _ = try await unobserved.subscribe("before")
            // The engine records a subscription just after it sends the reply; a ping's pong, sent on the same loop
            // after that, shows the recording is over before the observer comes.
            try await unobserved.send(#"{"event":"pusher:ping","data":{}}"#)
            #expect(await unobserved.receive()?.contains("pusher:pong") == true)
            let ring = server.server.observe(capacity: 100)
            let connection = try await server.connect()
            _ = try await connection.subscribe("observed")
            try server.server.publish(
                PublishRequest(appID: Fixtures.main.id, channels: ["observed"], event: "hello", data: "{}"))
            _ = await connection.receive()
            let events = ring.drain()
            let kinds = events.map(\.kind)
            #expect(kinds.contains(.connectionOpened))
            #expect(kinds.contains(.subscribed))
            #expect(kinds.contains(.channelOccupied))
            #expect(events.contains { $0.kind == .apiMessage && $0.detail == "delivered to 1" })
            #expect(!events.contains { $0.channel == "before" }, "nothing was recorded before the observer came")
            server.server.stopObserving(ring)
            _ = try await connection.subscribe("after")
            #expect(ring.drain().isEmpty)
        }
    }

    @Test("a snapshot without connection rows still counts connections, channels and members")
    func lightSnapshot() async throws {
        try await TestServer.with() { server in
            let a = try await server.connect()
            _ = try await server.connect()
            _ = try await a.subscribe("presence-x", channelData: #"{"user_id":1}"#)
            let full = try #require(server.server.snapshot().apps.first { $0.id == Fixtures.main.id })
            let light = try #require(
                server.server.snapshot(includingConnections: false).apps.first { $0.id == Fixtures.main.id })
            #expect(full.connections.count == 2 && full.connectionCount == 2)
            #expect(light.connections.isEmpty && light.connectionCount == 2)
            #expect(light.channels == full.channels)
            #expect(light.channels.first?.members.map(\.userID) == ["1"])
        }
    }

    @Test("a full ring drops the oldest rows and counts them")
    func ringDrops() {
        let ring = EventRing(capacity: 2)
        for index in 0..<5 { ring.append(EngineEvent(kind: .ping, appID: String(index))) }
        #expect(ring.droppedCount == 3)
        #expect(ring.drain().map(\.appID) == ["3", "4"])
    }
}
