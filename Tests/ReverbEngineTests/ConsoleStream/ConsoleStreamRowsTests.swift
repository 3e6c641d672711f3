import Foundation
import NIOCore
import PusherClient
import Testing

@testable import ReverbEngine

/// Connection rows go to an attached console only when they changed: quiet sockets cost no encoding.
@Suite("Console stream rows")
struct ConsoleStreamRowsTests {
    @Test("unchanged rows are not sent again; a socket's traffic sends them anew")
    func unchangedRowsAreSkipped() async throws {
        let running = try await ConsoleStreamTests.Running.start()
        try await TestServer.stopping(running.server) {
            let console = try await running.attach()
            let (pusher, socketID) = try await running.pusher()
            func rows(_ frame: ConsoleStreamFrame) -> [ConnectionSnapshot]? {
                guard frame.type == .snapshot, let snapshot = frame.snapshot else { return nil }
                return snapshot.apps.first?.connections
            }
            let first = try await ConsoleStreamTests.next(console) { frame in
                rows(frame)?.contains { $0.socketID == socketID } == true
            }
            #expect(first.includesConnections == true)
            // The socket is quiet: the next snapshots carry counts only.
            let quiet = try await ConsoleStreamTests.next(console) { $0.type == .snapshot }
            #expect(quiet.includesConnections == false)
            #expect(rows(quiet) == [])
            #expect(quiet.snapshot?.apps.first?.connectionCount == 1)
            // A message changes the row (messages in, last seen): the rows come again.
            try await pusher.send(#"{"event":"pusher:ping","data":{}}"#)
            let before = rows(first)?.first { $0.socketID == socketID }?.messagesIn ?? 0
            let changed = try await ConsoleStreamTests.next(console) { frame in
                frame.includesConnections == true && (rows(frame)?.first?.messagesIn ?? 0) > before
            }
            #expect(rows(changed)?.map(\.socketID) == [socketID])
            await pusher.close()
            await console.close()
        }
    }
}
