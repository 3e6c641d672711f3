import Foundation
import PusherClient
import Testing

@testable import ReverbEngine

/// Per-app message totals feed the console's per-app rates: they must only grow, through closes too.
@Suite("Per-app totals")
struct AppTotalsTests {
    @Test("an app's messages in and out do not go backwards when a socket closes")
    func totalsSurviveClose() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            _ = try await connection.subscribe("totals")
            for _ in 0..<3 {
                try await connection.send(#"{"event":"pusher:ping","data":{}}"#)
                _ = await connection.receive()
            }
            func app() -> AppSnapshot? { server.server.snapshot().apps.first { $0.id == Fixtures.main.id } }
            let before = try #require(app())
            #expect(before.messagesIn == 4 && before.messagesOut == 5, "subscribe + 3 pings in; 5 replies out")

            await connection.close()
            var after = before
            for _ in 0..<100 {
                after = try #require(app())
                if after.connectionCount == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(after.connectionCount == 0)
            #expect(after.messagesIn >= before.messagesIn)
            #expect(after.messagesOut >= before.messagesOut)
        }
    }
}
