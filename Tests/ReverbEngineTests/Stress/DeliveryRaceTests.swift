import Foundation
import PusherClient
import Testing

@testable import ReverbEngine

/// Publishes race subscribes, unsubscribes and closes on other sockets: the sockets that stay get every event
/// once and in order, and the gauges end exact.
@Suite("Delivery races")
struct DeliveryRaceTests {
    static let events = 200
    static let churners = 6
    static let rounds = 8

    @Test("publish against subscribe and close: steady subscribers get every event once, in order")
    func publishRacesChurn() async throws {
        try await TestServer.with() { server in
            let steady = try await (0..<4).asyncMap { _ in try await server.connect() }
            for connection in steady { _ = try await connection.subscribe("race") }

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for index in 0..<Self.events {
                        let request = PublishRequest(
                            appID: Fixtures.main.id, channels: ["race"], event: "tick", data: String(index))
                        _ = try server.server.publish(request)
                        if index % 20 == 0 { await Task.yield() }
                    }
                }
                for _ in 0..<Self.churners {
                    group.addTask {
                        for _ in 0..<Self.rounds {
                            let connection = try await server.connect()
                            _ = try await connection.subscribe("race")
                            try await connection.send(#"{"event":"pusher:unsubscribe","data":{"channel":"race"}}"#)
                            _ = try await connection.subscribe("race")
                            await connection.close()
                        }
                    }
                }
                try await group.waitForAll()
            }

            for connection in steady {
                var received: [Int] = []
                while received.count < Self.events, let text = await connection.receive(timeout: .seconds(5)) {
                    let message = try JSONMessage(text)
                    if message.string("event") == "tick", let data = message.string("data"), let index = Int(data) {
                        received.append(index)
                    }
                }
                #expect(received == Array(0..<Self.events), "socket \(connection.socketID)")
            }

            // The churners' closes are processed asynchronously; the gauges must settle on the steady sockets.
            var app: AppSnapshot?
            for _ in 0..<100 {
                app = server.server.snapshot().apps.first { $0.id == Fixtures.main.id }
                if app?.connectionCount == steady.count { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(app?.connectionCount == steady.count)
            #expect(app?.channels.first { $0.name == "race" }?.subscriberCount == steady.count)
            for connection in steady { await connection.close() }
        }
    }

    @Test("sequential presence joins reach a watcher in join order, whichever event loop each joiner is on")
    func joinOrderAcrossLoops() async throws {
        try await TestServer.with { server in
            let channel = "presence-order"
            let watcher = try await server.connect()
            _ = try await watcher.subscribe(channel, channelData: #"{"user_id":"watcher"}"#)
            var joiners: [PusherConnection] = []
            for index in 0..<40 {
                let joiner = try await server.connect()
                _ = try await joiner.subscribe(channel, channelData: #"{"user_id":"u\#(index)"}"#)
                joiners.append(joiner)
            }
            var added: [String] = []
            while added.count < 40, let text = await watcher.receive() {
                let message = try JSONMessage(text)
                guard message.string("event") == "pusher_internal:member_added" else { continue }
                let data = try #require(message.string("data"))
                added.append(try JSONMessage(data).string("user_id") ?? "?")
            }
            #expect(added == (0..<40).map { "u\($0)" })
            for joiner in joiners { await joiner.close() }
            await watcher.close()
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
