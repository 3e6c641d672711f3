import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import ReverbEngine

/// The Redis client against a real `redis-server` the test starts on a free port.
@Suite("Redis client", .serialized)
struct RedisClientTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    func connected(_ client: RedisClient) async throws {
        client.start()
        for _ in 0..<200 where !client.isConnected { try await Task.sleep(for: .milliseconds(25)) }
        #expect(client.isConnected)
    }

    @Test("pipelined commands get their replies in order")
    func pipelining() async throws {
        let redis = try RedisServerProcess()
        let client = try RedisClient(
            name: "t", endpoint: RedisEndpoint(port: redis.port), loop: Self.group.next())
        try await connected(client)
        let replies = (1...200).map { _ in client.send(["INCR", "counter"]) }
        var values: [Int] = []
        for reply in replies { values.append(try await reply.get().int ?? -1) }
        #expect(values == Array(1...200))
        await #expect(throws: RedisError.self) { _ = try await client.send(["NOSUCHCOMMAND"]).get() }
        _ = try await client.stop().get()
        await #expect(throws: RedisError.self) { _ = try await client.send(["PING"]).get() }
    }

    @Test("AUTH with a user name, and SELECT of the database")
    func authAndSelect() async throws {
        let redis = try RedisServerProcess(extraArguments: [
            "--user", "default", "off", "--user", "alice", "on", ">wonder", "~*", "&*", "+@all",
        ])
        let endpoint = RedisEndpoint(port: redis.port, username: "alice", password: "wonder", database: 3)
        let client = try RedisClient(name: "t", endpoint: endpoint, loop: Self.group.next())
        try await connected(client)
        _ = try await client.send(["SET", "where", "db3"]).get()
        var zero = endpoint
        zero.database = 0
        let other = try RedisClient(name: "t0", endpoint: zero, loop: Self.group.next())
        try await connected(other)
        #expect(try await other.send(["GET", "where"]).get() == .null)
        #expect(try await client.send(["GET", "where"]).get().string == "db3")
        var wrong = endpoint
        wrong.password = "nope"
        let refused = try RedisClient(name: "bad", endpoint: wrong, loop: Self.group.next())
        refused.start()
        try await Task.sleep(for: .milliseconds(400))
        #expect(!refused.isConnected)
        for c in [client, other, refused] { _ = try await c.stop().get() }
    }

    @Test("a subscriber gets messages, and after a Redis restart reconnects and subscribes again")
    func pubSubAndReconnect() async throws {
        let redis = try RedisServerProcess()
        let received = Mutex<[String]>([])
        let statuses = Mutex<[RedisClient.Status]>([])
        let subscriber = try RedisClient(
            name: "sub", endpoint: RedisEndpoint(port: redis.port), loop: Self.group.next(), subscriptions: ["news"],
            onPush: { channel, payload in received.withLock { $0.append("\(channel):\(String(buffer: payload))") } },
            onStatus: { _, status in statuses.withLock { $0.append(status) } })
        let publisher = try RedisClient(name: "pub", endpoint: RedisEndpoint(port: redis.port), loop: Self.group.next())
        try await connected(subscriber)
        try await connected(publisher)
        #expect(try await publisher.send(["PUBLISH", "news", "one"]).get().int == 1)
        // Stopping Redis before the subscriber has read the push could reset the socket with the push unread.
        for _ in 0..<100 where received.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(20)) }
        redis.stop()
        try await Task.sleep(for: .milliseconds(300))
        #expect(!publisher.isConnected && !subscriber.isConnected)
        await #expect(throws: RedisError.notConnected) { _ = try await publisher.send(["PING"]).get() }
        try redis.start()
        for _ in 0..<200 where !(publisher.isConnected && subscriber.isConnected) {
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(try await publisher.send(["PUBLISH", "news", "two"]).get().int == 1)
        for _ in 0..<100 where received.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(received.withLock { $0 } == ["news:one", "news:two"])
        let seen = statuses.withLock { $0 }
        #expect(seen.first == .connected)
        #expect(seen.contains { if case .lost = $0 { true } else { false } })
        #expect(seen.contains { if case .reconnecting = $0 { true } else { false } })
        #expect(seen.last == .connected)
        _ = try await subscriber.stop().get()
        _ = try await publisher.stop().get()
    }
}

/// `rediss://` against a real `redis-server` serving TLS with certificates this test makes.
@Suite("Redis client over TLS")
struct RedisTLSTests {
    func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("TLS with a CA file: commands work; without trusting that CA the connection is refused")
    func tls() async throws {
        let directory = NSTemporaryDirectory() + "reverb-redis-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let d = directory
        try openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca", "-keyout",
            "\(d)/ca.key", "-out", "\(d)/ca.crt",
        ])
        try openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "\(d)/redis.key", "-out",
            "\(d)/redis.csr",
        ])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: "\(d)/ext", atomically: true, encoding: .utf8)
        try openssl([
            "x509", "-req", "-in", "\(d)/redis.csr", "-CA", "\(d)/ca.crt", "-CAkey", "\(d)/ca.key", "-CAcreateserial",
            "-out", "\(d)/redis.crt", "-days", "1", "-extfile", "\(d)/ext",
        ])
        let port = try RedisServerProcess.freePort()
        let redis = try RedisServerProcess(extraArguments: [
            "--tls-port", String(port), "--tls-cert-file", "\(d)/redis.crt", "--tls-key-file", "\(d)/redis.key",
            "--tls-ca-cert-file", "\(d)/ca.crt", "--tls-auth-clients", "no",
        ])
        _ = redis
        let loop = RedisClientTests.group.next()
        let trusted = try RedisClient(
            name: "tls", endpoint: RedisEndpoint(host: "127.0.0.1", port: port, tls: true, caFile: "\(d)/ca.crt"),
            loop: loop)
        trusted.start()
        for _ in 0..<200 where !trusted.isConnected { try await Task.sleep(for: .milliseconds(25)) }
        #expect(trusted.isConnected)
        #expect(try await trusted.send(["PING"]).get() == .simpleString("PONG"))
        let untrusted = try RedisClient(
            name: "tls-untrusted", endpoint: RedisEndpoint(host: "127.0.0.1", port: port, tls: true), loop: loop)
        untrusted.start()
        try await Task.sleep(for: .milliseconds(500))
        #expect(!untrusted.isConnected)
        _ = try await trusted.stop().get()
        _ = try await untrusted.stop().get()
    }
}
