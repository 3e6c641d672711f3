import Foundation
import NIOCore
import PusherClient
import Testing
@testable import ReverbEngine

/// The console stream `reverb-tui attach` reads: a signed WebSocket at `{prefix}/console`, on only with
/// `--allow-attach`, scoped to the app that signed, carrying snapshots, events and command results.
@Suite("Console stream over loopback")
struct ConsoleStreamTests {
    /// A real server with the console stream on (or off) and its port.
    struct Running {
        let server: ReverbServer
        let port: Int

        static func start(allowAttach: Bool = true, path: String = "") async throws -> Running {
            var configuration = ServerConfiguration(
                host: "127.0.0.1", port: 0, path: path, apps: [Fixtures.main, Fixtures.open])
            configuration.allowAttach = allowAttach
            let server = try ReverbServer(configuration: configuration, threads: 2)
            return Running(server: server, port: try await server.start())
        }

        func raw(_ target: String) async throws -> RawHTTPResponse {
            let client = try await RawHTTPClient.connect(port: port)
            var response: RawHTTPResponse?
            let request =
                "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            if (try? await client.send(request)) != nil { response = await client.readResponse() }
            await client.close()
            return try #require(response)
        }

        func attach(
            app: Application = Fixtures.main, secret: String? = nil, path: String = "/console"
        ) async throws -> WebSocketClient {
            let query = ConsoleStreamSignature.signedQuery(appID: app.id, secret: secret ?? app.secret)
            return try await WebSocketClient.connect(port: port, path: "\(path)?\(query)")
        }

        func pusher(_ app: Application = Fixtures.main) async throws -> (WebSocketClient, String) {
            let client = try await WebSocketClient.connect(port: port, path: "/app/\(app.key)?protocol=7")
            let text = try #require(await client.receiveText())
            let data = try JSONMessage(try #require(JSONMessage(text).string("data")))
            return (client, try #require(data.string("socket_id")))
        }
    }

    static func frame(_ text: String) throws -> ConsoleStreamFrame {
        try ConsoleStreamCoding.decoder().decode(ConsoleStreamFrame.self, from: Data(text.utf8))
    }

    /// Reads frames until one satisfies `match`, or fails after `timeout`.
    static func next(
        _ client: WebSocketClient, timeout: Duration = .seconds(5), where match: (ConsoleStreamFrame) -> Bool
    ) async throws -> ConsoleStreamFrame {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let text = await client.receiveText(timeout: .seconds(2)) else { continue }
            let frame = try frame(text)
            if match(frame) { return frame }
        }
        throw CancellationError()
    }

    @Test("without --allow-attach the route answers 404 with a JSON error naming the flag")
    func offByDefault() async throws {
        let running = try await Running.start(allowAttach: false)
        try await TestServer.stopping(running.server) {
            let query = ConsoleStreamSignature.signedQuery(appID: Fixtures.main.id, secret: Fixtures.main.secret)
            let response = try await running.raw("/console?\(query)")
            #expect(response.status == 404)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.body.contains("--allow-attach"))
        }
    }

    @Test("a wrong secret, an unknown app, a stale timestamp and a replayed request get 401 with the reason")
    func refusals() async throws {
        let running = try await Running.start()
        try await TestServer.stopping(running.server) {
            let wrong = ConsoleStreamSignature.signedQuery(appID: Fixtures.main.id, secret: "not-the-secret")
            let wrongResponse = try await running.raw("/console?\(wrong)")
            #expect(wrongResponse.status == 401)
            #expect(wrongResponse.body.contains("wrong secret for app 123456"))
            await #expect(throws: WebSocketClientError.upgradeRefused(status: 401)) {
                try await running.attach(secret: "not-the-secret")
            }

            let unknown = ConsoleStreamSignature.signedQuery(appID: "999", secret: "x")
            #expect(try await running.raw("/console?\(unknown)").body.contains("no app with id 999"))

            let stale = ConsoleStreamSignature.signedQuery(
                appID: Fixtures.main.id, secret: Fixtures.main.secret,
                timestamp: Int(Date().timeIntervalSince1970) - 3600)
            let staleResponse = try await running.raw("/console?\(stale)")
            #expect(staleResponse.status == 401)
            #expect(staleResponse.body.contains("auth_timestamp"))

            let query = ConsoleStreamSignature.signedQuery(appID: Fixtures.main.id, secret: Fixtures.main.secret)
            let first = try await WebSocketClient.connect(port: running.port, path: "/console?\(query)")
            await first.close()
            let replay = try await running.raw("/console?\(query)")
            #expect(replay.status == 401)
            #expect(replay.body.contains("already used"))
        }
    }

    @Test("an attached console gets its app's snapshot with the open sockets and the events, and no other app's")
    func streamsScopedSnapshotsAndEvents() async throws {
        let running = try await Running.start(path: "ws")
        try await TestServer.stopping(running.server) {
            let query = ConsoleStreamSignature.signedQuery(appID: Fixtures.main.id, secret: Fixtures.main.secret)
            let console = try await WebSocketClient.connect(port: running.port, path: "/ws/console?\(query)")
            let hello = try await Self.next(console) { $0.type == .hello }
            #expect(hello.appID == Fixtures.main.id)

            let pusher = try await WebSocketClient.connect(port: running.port, path: "/ws/app/\(Fixtures.main.key)")
            let established = try #require(await pusher.receiveText())
            let data = try #require(try JSONMessage(established).string("data"))
            let socketID = try #require(try JSONMessage(data).string("socket_id"))
            let other = try await WebSocketClient.connect(port: running.port, path: "/ws/app/\(Fixtures.open.key)")
            _ = await other.receiveText()

            // Read frames until the socket shows in a snapshot and its connection event has arrived.
            var scopedSnapshot: EngineSnapshot?
            var events: [EngineEvent] = []
            _ = try await Self.next(console) { frame in
                events += frame.events ?? []
                if let snapshot = frame.snapshot,
                    snapshot.apps.first?.connections.contains(where: { $0.socketID == socketID }) == true
                {
                    scopedSnapshot = snapshot
                }
                return scopedSnapshot != nil
                    && events.contains { $0.kind == .connectionOpened && $0.socketID == socketID }
            }
            let snapshot = try #require(scopedSnapshot)
            #expect(snapshot.apps.map(\.id) == [Fixtures.main.id])
            #expect(snapshot.nodes.count == 1)
            #expect(snapshot.nodes.first?.redisState == "off")
            // A node is the whole process: every app's sockets count, not only the scoped app's.
            #expect((snapshot.nodes.first?.connections ?? 0) >= snapshot.apps[0].connectionCount)
            #expect(events.allSatisfy { $0.appID == Fixtures.main.id })
            await pusher.close()
            await other.close()
            await console.close()
        }
    }

    @Test("kick closes the named socket with the chosen code; publish reports deliveries; other apps are refused")
    func commands() async throws {
        let running = try await Running.start()
        try await TestServer.stopping(running.server) {
            let console = try await running.attach()
            let (target, targetID) = try await running.pusher()
            let (bystander, _) = try await running.pusher()

            func command(_ json: String) async throws -> ConsoleStreamResult {
                try await console.send(json)
                return try #require(try await Self.next(console) { $0.type == .result }.result)
            }
            let kicked = try await command(
                #"{"id":7,"action":"kick","appID":"123456","socketID":"\#(targetID)","code":4009}"#)
            #expect(kicked == ConsoleStreamResult(id: 7, ok: true, count: 1))
            #expect(await target.receiveText()?.contains("4009") == true)
            #expect(await target.receive() == .close(code: 4009, reason: "Connection closed by the server operator"))

            let missing = try await command(#"{"id":8,"action":"kick","appID":"123456","socketID":"1.2","code":4200}"#)
            #expect(missing == ConsoleStreamResult(id: 8, ok: false, count: 0))

            let foreign = try await command(#"{"id":9,"action":"kick","appID":"555555","socketID":"1.2","code":4200}"#)
            #expect(foreign.ok == false)
            #expect(foreign.error?.contains("signed for app 123456") == true)

            let published = try await command(
                #"{"id":10,"action":"publish","appID":"123456","channel":"nobody","event":"ping","data":"{}"}"#)
            #expect(published == ConsoleStreamResult(id: 10, ok: true, count: 0))
            let garbage = try await command("not json")
            #expect(garbage.ok == false)
            await bystander.close()
            await console.close()
        }
    }

    @Test("each broadcast lands in one latency bucket of the snapshot")
    func broadcastLatency() async throws {
        let running = try await Running.start()
        try await TestServer.stopping(running.server) {
            var clients: [WebSocketClient] = []
            for _ in 0..<3 {
                let (client, _) = try await running.pusher()
                try await client.send(#"{"event":"pusher:subscribe","data":{"channel":"news"}}"#)
                _ = await client.receiveText()
                clients.append(client)
            }
            let before = running.server.snapshot().broadcastLatency.total
            for index in 0..<5 {
                let delivered = try running.server.publish(
                    PublishRequest(appID: Fixtures.main.id, channels: ["news"], event: "tick", data: "\(index)"))
                #expect(delivered == 3)
            }
            for client in clients { for _ in 0..<5 { _ = await client.receiveText() } }
            // The last loop's flush records the broadcast; give a loop that is still flushing a moment.
            var after = running.server.snapshot().broadcastLatency
            for _ in 0..<20 where after.total < before + 5 {
                try await Task.sleep(for: .milliseconds(50))
                after = running.server.snapshot().broadcastLatency
            }
            #expect(after.total == before + 5)
            #expect(after.counts.count == LatencyHistogramSnapshot.bucketCount)
            for client in clients { await client.close() }
        }
    }

    @Test(
        "rows a console that stops reading cannot take are dropped from its own ring, counted and reported")
    func dropsAreCountedAndSent() async throws {
        let running = try await Running.start()
        try await TestServer.stopping(running.server) {
            let console = try await running.attach()
            _ = try await Self.next(console) { $0.type == .hello }
            // A console that stops reading: its socket backs up (about 24 MB of rows), then more rows than the
            // 10,000-row ring arrive while it cannot be written to.
            try await console.stopReading()
            let large = String(repeating: "x", count: 8_000)
            for index in 0..<3_000 {
                try running.server.publish(
                    PublishRequest(
                        appID: Fixtures.main.id, channels: ["nobody"], event: "big", data: "\(index)\(large)"))
            }
            for index in 0..<11_000 {
                try running.server.publish(
                    PublishRequest(appID: Fixtures.main.id, channels: ["nobody"], event: "e", data: "\(index)"))
            }
            try await console.channel.setOption(.autoRead, value: true).get()
            let reported = try await Self.next(console, timeout: .seconds(60)) { ($0.dropped ?? 0) > 0 }
            #expect((reported.dropped ?? 0) > 0)
            #expect(running.server.snapshot(includingConnections: false).droppedEvents >= reported.dropped ?? 0)
            await console.close()
        }
    }
}
