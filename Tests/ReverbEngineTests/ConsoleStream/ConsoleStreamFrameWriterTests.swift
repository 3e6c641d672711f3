import Foundation
import NIOCore
import Testing

@testable import ReverbEngine

/// The hand-written connection rows of a snapshot frame read back with `JSONDecoder` exactly as `JSONEncoder`'s.
@Suite struct ConsoleStreamFrameWriterTests {
    static func row(_ id: String, origin: String?, user: String?, node: String? = nil) -> ConnectionSnapshot {
        var row = ConnectionSnapshot(
            socketID: id, appID: "123456", origin: origin, channels: ["chat", "presence-\"room\"", "é\u{1}\\"],
            connectedAt: Date(timeIntervalSince1970: 1_800_000_000.123456),
            lastSeenAt: Date(timeIntervalSince1970: 3.5),
            messagesIn: 12, messagesOut: 9_000_000_000, userID: user)
        row.node = node
        return row
    }

    static func frame(apps: [AppSnapshot]) -> ConsoleStreamFrame {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var snapshot = EngineSnapshot(
            takenAt: now, startedAt: now, listeningAddress: "127.0.0.1:8080/{ws}", apps: apps,
            nodes: [NodeSnapshot(id: "n", address: "a", lastHeartbeat: now)])
        snapshot.cluster = ClusterState(
            nodeID: "n", redisAddress: "redis://x", redisConnected: true, nodes: [],
            view: ClusterView(takenAt: now, connections: [row("9.9", origin: nil, user: nil, node: "b:1")]))
        return ConsoleStreamFrame(type: .snapshot, snapshot: snapshot, includesConnections: true, dropped: 3)
    }

    func roundTrip(_ frame: ConsoleStreamFrame) throws -> ConsoleStreamFrame {
        let buffer = try #require(
            ConsoleStreamFrameWriter.write(
                frame, encoder: ConsoleStreamCoding.encoder(), allocator: ByteBufferAllocator()))
        return try ConsoleStreamCoding.decoder().decode(ConsoleStreamFrame.self, from: Data(buffer.readableBytesView))
    }

    @Test func rowsWrittenByHandDecodeToTheSameSnapshot() throws {
        let apps = [
            AppSnapshot(
                id: "123456", key: "k",
                connections: [
                    Self.row("1.1", origin: "http://a.test/\"x\"", user: "alice"),
                    Self.row("2.2", origin: nil, user: nil), Self.row("3.3", origin: "{", user: "}", node: "b"),
                ],
                channels: [
                    ChannelSnapshot(name: "chat", subscriberCount: 2, occupiedSince: Date(timeIntervalSince1970: 1))
                ]),
            AppSnapshot(id: "777", key: "o", connections: [], connectionCount: 0),
            AppSnapshot(id: "888", key: "p", connections: [Self.row("4.4", origin: nil, user: "42")]),
        ]
        let frame = Self.frame(apps: apps)
        let decoded = try roundTrip(frame)
        #expect(decoded.snapshot == frame.snapshot)
        #expect(decoded.dropped == 3 && decoded.includesConnections == true && decoded.type == .snapshot)
    }

    @Test func framesWithoutRowsAreJSONEncoders() throws {
        let frame = Self.frame(apps: [AppSnapshot(id: "1", key: "k", connections: [], connectionCount: 5000)])
        let buffer = try #require(
            ConsoleStreamFrameWriter.write(
                frame, encoder: ConsoleStreamCoding.encoder(), allocator: ByteBufferAllocator()))
        // No rows, no placeholder: the bytes are JSONEncoder's alone (whose member order varies between calls).
        #expect(!String(buffer: buffer).contains(ConsoleStreamFrameWriter.token))
        #expect(try roundTrip(frame).snapshot == frame.snapshot)
    }

    @Test("a client-chosen string equal to the marker's text cannot move the rows")
    func markerIsNotGuessable() throws {
        var apps = [AppSnapshot(id: "1", key: "k", connections: [Self.row("1.1", origin: "rows-", user: nil)])]
        apps[0].channels = [
            ChannelSnapshot(
                name: "client", subscriberCount: 1, occupiedSince: Date(timeIntervalSince1970: 1),
                lastEventName: "client-rows-0")
        ]
        let frame = Self.frame(apps: apps)
        #expect(try roundTrip(frame).snapshot == frame.snapshot)
    }
}
