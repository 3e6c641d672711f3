import ReverbConsole
import ReverbEngine
import Synchronization
import Testing

/// A `ConsoleEngine` that records calls and answers from fixed values.
final class FakeEngine: ConsoleEngine {
    struct PublishError: Error, CustomStringConvertible {
        var description: String { "channel name too long" }
    }

    let calls = Mutex<[String]>([])
    let delivered: Int?
    let knownSocket: String

    init(delivered: Int?, knownSocket: String = "1.1") {
        self.delivered = delivered
        self.knownSocket = knownSocket
    }

    func snapshot(includingConnections: Bool) -> EngineSnapshot { Fixtures.snapshot }

    func publish(appID: String, channel: String, event: String, data: String) throws -> Int {
        calls.withLock { $0.append("publish \(appID) \(channel) \(event) \(data)") }
        guard let delivered else { throw PublishError() }
        return delivered
    }

    func closeConnection(appID: String, socketID: String, code: Int) -> Bool {
        calls.withLock { $0.append("close \(appID) \(socketID) \(code)") }
        return socketID == knownSocket
    }

    func terminateUser(appID: String, userID: String) -> Int {
        calls.withLock { $0.append("terminate \(appID) \(userID)") }
        return userID == "42" ? 2 : 0
    }
}

@Suite struct CommandRunnerTests {
    @Test func reportsDeliveries() {
        let engine = FakeEngine(delivered: 12)
        let flash = CommandRunner(engine: engine).run(.publish(appID: "1", channel: "chat", event: "hello", data: "{}"))
        #expect(flash == Flash("hello on chat: delivered to 12 connections", kind: .success))
        #expect(engine.calls.withLock { $0 } == ["publish 1 chat hello {}"])
    }

    @Test func reportsPublishErrors() {
        let flash = CommandRunner(engine: FakeEngine(delivered: nil)).run(
            .publish(appID: "1", channel: "c", event: "e", data: "1"))
        #expect(flash == Flash("inject failed: channel name too long", kind: .failure))
    }

    @Test func reportsKicks() {
        let runner = CommandRunner(engine: FakeEngine(delivered: 0))
        #expect(
            runner.run(.kick(appID: "1", socketID: "1.1", code: 4200)) == Flash("kicked 1.1 with 4200", kind: .success))
        #expect(
            runner.run(.kick(appID: "1", socketID: "9.9", code: 4200))
                == Flash("no connection 9.9 in app 1", kind: .failure))
    }

    @Test func reportsTerminations() {
        let runner = CommandRunner(engine: FakeEngine(delivered: 0))
        #expect(
            runner.run(.terminateUser(appID: "1", userID: "42"))
                == Flash("terminated 2 connections of user 42", kind: .success))
        #expect(
            runner.run(.terminateUser(appID: "1", userID: "7"))
                == Flash("terminated 0 connections of user 7", kind: .failure))
    }
}
