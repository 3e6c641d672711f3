import Foundation
import NIOCore
import PusherClient
@testable import ReverbEngine

/// Reverb's own fixture apps (tests/ReverbTestCase.php) plus a few of ours, served on a free loopback port.
enum Fixtures {
    static let main = Application(id: "123456", key: "reverb-key", secret: "reverb-secret")
    static let limited = Application(
        id: "654321", key: "reverb-key-2", secret: "reverb-secret-2", pingInterval: 10, maxMessageSize: 1_000_000,
        maxConnections: 1, acceptClientEventsFrom: .all)
    static let strict = Application(
        id: "987654", key: "reverb-key-3", secret: "reverb-secret-3", allowedOrigins: ["laravel.com", "*.laravel.com"],
        maxMessageSize: 1)
    static let silent = Application(
        id: "111111", key: "silent-key", secret: "silent-secret", acceptClientEventsFrom: .none)
    static let lively = Application(id: "222222", key: "lively-key", secret: "lively-secret", pingInterval: 1)
    static let throttled = Application(
        id: "333333", key: "throttled-key", secret: "throttled-secret",
        rateLimit: .init(maxAttempts: 3, decaySeconds: 60))
    static let severe = Application(
        id: "444444", key: "severe-key", secret: "severe-secret",
        rateLimit: .init(maxAttempts: 1, decaySeconds: 60, terminateOnLimit: true))

    static let open = Application(id: "555555", key: "open-key", secret: "open-secret", acceptClientEventsFrom: .all)

    static let all = [main, limited, strict, silent, lively, throttled, severe, open]
}

/// A real server on 127.0.0.1 with a real WebSocket client to talk to it.
final class TestServer: Sendable {
    let server: ReverbServer
    let port: Int

    private init(server: ReverbServer, port: Int) {
        self.server = server
        self.port = port
    }

    static func start(
        apps: [Application] = Fixtures.all, path: String = "", maxRequestSize: Int = 10_000, pongTimeout: Int = 1,
        slowClientTimeout: Int = 30, writeBufferLimit: Int = 4 << 20, scaling: ScalingConfiguration? = nil
    ) async throws -> TestServer {
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, path: path, maxRequestSize: maxRequestSize, pongTimeout: pongTimeout,
            slowClientTimeout: slowClientTimeout, writeBufferLimit: writeBufferLimit, apps: apps)
        if let scaling { configuration.scaling = scaling }
        let server = try ReverbServer(configuration: configuration, threads: 2)
        let port = try await server.start()
        return TestServer(server: server, port: port)
    }

    func stop() async { await server.stop() }

    /// Starts a server, runs `body` with it, and awaits the server's stop whether `body` threw or not, so no test
    /// leaves sockets or event loops behind for the next one.
    static func with(
        apps: [Application] = Fixtures.all, path: String = "", maxRequestSize: Int = 10_000, pongTimeout: Int = 1,
        slowClientTimeout: Int = 30, writeBufferLimit: Int = 4 << 20,
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let server = try await start(
            apps: apps, path: path, maxRequestSize: maxRequestSize, pongTimeout: pongTimeout,
            slowClientTimeout: slowClientTimeout, writeBufferLimit: writeBufferLimit)
        try await stopping(server.server) { try await body(server) }
    }

    /// Runs `body`, then awaits `server.stop()`, whether `body` threw or not.
    static func stopping(_ server: ReverbServer, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Opens a socket to `/app/{key}` without reading anything.
    func open(
        key: String = Fixtures.main.key, headers: [(String, String)] = [], path: String? = nil
    ) async throws -> WebSocketClient {
        try await WebSocketClient.connect(
            port: port, path: path ?? "/app/\(key)?protocol=7&client=js&version=8.4.0", headers: headers)
    }

    /// Opens a socket and waits for `connection_established`; returns the client and its socket id.
    func connect(key: String = Fixtures.main.key, headers: [(String, String)] = []) async throws -> PusherConnection {
        let client = try await open(key: key, headers: headers)
        let text = try #require(await client.receiveText())
        let message = try JSONMessage(text)
        let data = try JSONMessage(try #require(message.string("data")))
        return PusherConnection(client: client, socketID: try #require(data.string("socket_id")), established: text)
    }
}

/// A connected Pusher socket.
struct PusherConnection: Sendable {
    let client: WebSocketClient
    let socketID: String
    let established: String

    func send(_ text: String) async throws { try await client.send(text) }
    func receive(timeout: Duration = .seconds(5)) async -> String? { await client.receiveText(timeout: timeout) }

    /// Asserts nothing arrives for a short while.
    func expectSilence(for duration: Duration = .milliseconds(300)) async -> String? {
        await client.receiveText(timeout: duration)
    }

    func subscribe(
        _ channel: String, app: Application = Fixtures.main, channelData: String? = nil
    ) async throws -> String? {
        var data = "\"channel\":\(channel.jsonQuoted)"
        if channel.hasPrefix("private") || channel.hasPrefix("presence") {
            let auth = PusherSigning.channelAuth(
                key: app.key, secret: app.secret, socketID: socketID, channel: channel, channelData: channelData)
            data += ",\"auth\":\(auth.jsonQuoted)"
        }
        if let channelData { data += ",\"channel_data\":\(channelData.jsonQuoted)" }
        try await send("{\"event\":\"pusher:subscribe\",\"data\":{\(data)}}")
        return await receive()
    }

    func close() async { await client.close() }
}

/// A parsed JSON object from a test's point of view (Foundation's parser, independent of the engine's).
struct JSONMessage {
    let object: [String: Any]

    init(_ text: String) throws {
        object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func string(_ key: String) -> String? { object[key] as? String }
}

extension TestServer {
    /// Sends a signed API request; `signedPath` overrides the path that is signed (for path-prefix tests).
    func api(
        _ method: String, _ path: String, body: String = "", app: Application = Fixtures.main,
        query: [(String, String)] = [],
        signedPath: String? = nil, timestamp: Int = Int(Date().timeIntervalSince1970)
    ) async throws -> RawHTTPResponse {
        let target = PusherSigning.signedTarget(
            method: method, path: path, body: body, key: app.key, secret: app.secret, extra: query,
            timestamp: timestamp,
            signedPath: signedPath)
        return try await raw(
            "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n\(body)"
        )
    }

    /// Sends raw request text on a fresh connection and reads one response.
    func raw(_ request: String) async throws -> RawHTTPResponse {
        let client = try await RawHTTPClient.connect(port: port)
        var response: RawHTTPResponse?
        if (try? await client.send(request)) != nil { response = await client.readResponse() }
        await client.close()
        return try #require(response)
    }
}

import Testing
