import Foundation
import NIOCore
import NIOWebSocket
import ReverbConsole
import ReverbEngine
import Synchronization

/// A server seen over its console stream: the latest snapshot, the stream rows in a local lossy ring, and
/// commands sent to the server with their results awaited. The console reads it as its `ConsoleEngine` and
/// `ConsoleEventSource`; `maintain()` reconnects whenever the socket ends, and the header shows how that goes.
final class AttachSession: ConsoleEngine, ConsoleEventSource, Sendable {
    /// How long the console thread waits for a command's result before reporting it lost.
    static let commandTimeout: Duration = .seconds(5)
    /// The server sends a snapshot four times a second; this long without any frame means the network dropped
    /// without closing the socket, and the link is closed and tried again.
    static let silenceLimit: Duration = .seconds(5)

    private struct State {
        var snapshot = EngineSnapshot()
        var phase = ConsoleLink.Phase.connecting
        var serverDropped = 0
        var channel: (any Channel)?
        var nextCommandID = 0
        var waiting: [Int: ResultSlot] = [:]
        var lastFrameAt = ContinuousClock.now
    }

    let connector: ConsoleStreamConnector
    private let state = Mutex(State())
    private let ring = EventRing(capacity: 10_000)

    init(connector: ConsoleStreamConnector) {
        self.connector = connector
    }

    // MARK: Connection

    /// Connects once; used first so a wrong secret or a server without `--allow-attach` ends `attach` at once.
    func connect() async throws(AttachError) {
        let channel = try await connector.connect(
            onFrame: { [weak self] frame in self?.received(frame) },
            onClose: { [weak self] in self?.disconnected() })
        state.withLock { state in
            state.channel = channel
            state.phase = .live
            state.lastFrameAt = .now
        }
    }

    /// Reconnects for as long as the task runs: after a lost socket (closed, or silent for `silenceLimit`), tries
    /// again with a growing pause (0.5 s up to 5 s), so a restarted server or a network that comes back is picked
    /// up by itself.
    func maintain() async {
        while !Task.isCancelled {
            let channel = state.withLock { $0.channel }
            if let channel {
                try? await Task.sleep(for: .seconds(1))
                let silent = state.withLock { ContinuousClock.now - $0.lastFrameAt > Self.silenceLimit }
                if silent, channel.isActive { try? await channel.close() }
                continue
            }
            var attempt = 0
            var reason = "connection lost"
            while !Task.isCancelled {
                attempt += 1
                state.withLock { $0.phase = .reconnecting(attempt: attempt, reason: reason) }
                try? await Task.sleep(for: .milliseconds(min(5_000, 250 * (1 << min(attempt, 5)))))
                do {
                    try await connect()
                    break
                } catch {
                    reason = error.reason
                }
            }
        }
    }

    func close() async {
        let channel = state.withLock { $0.channel }
        try? await channel?.close()
    }

    private func disconnected() {
        let waiting = state.withLock { state in
            state.channel = nil
            if state.phase == .live { state.phase = .reconnecting(attempt: 0, reason: "connection lost") }
            defer { state.waiting = [:] }
            return state.waiting
        }
        for slot in waiting.values { slot.resolve(ConsoleStreamResult(id: 0, ok: false, error: "connection lost")) }
    }

    private func received(_ frame: ConsoleStreamFrame) {
        state.withLock { $0.lastFrameAt = .now }
        switch frame.type {
        case .hello:
            break
        case .snapshot:
            guard var snapshot = frame.snapshot else { return }
            state.withLock { state in
                if frame.includesConnections == false {
                    // A large server sends connection rows less often: keep the last ones until new rows come.
                    let previous = Dictionary(
                        state.snapshot.apps.map { ($0.id, $0.connections) }, uniquingKeysWith: { first, _ in first })
                    for index in snapshot.apps.indices {
                        snapshot.apps[index].connections = previous[snapshot.apps[index].id] ?? []
                    }
                }
                state.snapshot = snapshot
                state.serverDropped = frame.dropped ?? state.serverDropped
            }
        case .events:
            for event in frame.events ?? [] { ring.append(event) }
            if let dropped = frame.dropped { state.withLock { $0.serverDropped = dropped } }
        case .result:
            guard let result = frame.result else { return }
            let slot = state.withLock { $0.waiting.removeValue(forKey: result.id) }
            slot?.resolve(result)
        }
    }

    // MARK: ConsoleEventSource

    func drain() -> [EngineEvent] { ring.drain() }

    var droppedCount: Int { ring.droppedCount + state.withLock { $0.serverDropped } }

    // MARK: ConsoleEngine

    var link: ConsoleLink? {
        let (phase, serverDropped) = state.withLock { ($0.phase, $0.serverDropped) }
        return ConsoleLink(
            server: connector.target.display, phase: phase, serverDropped: serverDropped,
            localDropped: ring.droppedCount)
    }

    func snapshot(includingConnections: Bool) -> EngineSnapshot {
        state.withLock { $0.snapshot }
    }

    func execute(_ command: EngineCommand) -> CommandOutcome {
        let request: ConsoleStreamCommand
        switch command {
        case .kick(let appID, let socketID, let code):
            request = ConsoleStreamCommand(id: 0, action: .kick, appID: appID, socketID: socketID, code: code)
        case .terminateUser(let appID, let userID):
            request = ConsoleStreamCommand(id: 0, action: .terminate, appID: appID, userID: userID)
        case .publish(let appID, let channel, let event, let data):
            request = ConsoleStreamCommand(
                id: 0, action: .publish, appID: appID, channel: channel, event: event, data: data)
        }
        let result = send(request)
        if let error = result.error { return .failed("\(Self.verb(of: command)) failed: \(error)") }
        switch command {
        case .kick: return .kicked(result.ok)
        case .terminateUser: return .terminated(result.count)
        case .publish: return .delivered(result.count)
        }
    }

    func publish(appID: String, channel: String, event: String, data: String) throws -> Int {
        switch execute(.publish(appID: appID, channel: channel, event: event, data: data)) {
        case .delivered(let count): return count
        case .failed(let message): throw AttachError.unreachable(message)
        default: return 0
        }
    }

    func closeConnection(appID: String, socketID: String, code: Int) -> Bool {
        execute(.kick(appID: appID, socketID: socketID, code: code)) == .kicked(true)
    }

    func terminateUser(appID: String, userID: String) -> Int {
        if case .terminated(let count) = execute(.terminateUser(appID: appID, userID: userID)) { return count }
        return 0
    }

    /// Sends a command and waits (on the console thread) for its result.
    private func send(_ command: ConsoleStreamCommand) -> ConsoleStreamResult {
        let slot = ResultSlot()
        let registered: (any Channel, ConsoleStreamCommand)? = state.withLock { state in
            guard let channel = state.channel else { return nil }
            state.nextCommandID += 1
            var command = command
            command.id = state.nextCommandID
            state.waiting[command.id] = slot
            return (channel, command)
        }
        guard let (channel, command) = registered else {
            return ConsoleStreamResult(id: 0, ok: false, error: "not connected to \(connector.target.display)")
        }
        guard let data = try? ConsoleStreamCoding.encoder().encode(command) else {
            return ConsoleStreamResult(id: command.id, ok: false, error: "cannot encode the command")
        }
        let frame = WebSocketFrame(
            fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(bytes: data))
        channel.writeAndFlush(frame, promise: nil)
        if let result = slot.wait(timeout: Self.commandTimeout) { return result }
        state.withLock { _ = $0.waiting.removeValue(forKey: command.id) }
        return ConsoleStreamResult(id: command.id, ok: false, error: "no answer from the server within 5 s")
    }

    private static func verb(of command: EngineCommand) -> String {
        switch command {
        case .kick: "kick"
        case .terminateUser: "terminate"
        case .publish: "inject"
        }
    }
}

/// One command's result, handed from the event loop to the console thread waiting for it. Unchecked because
/// `DispatchSemaphore` is thread-safe but not marked `Sendable` everywhere; the result itself is in a `Mutex`.
final class ResultSlot: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let result = Mutex<ConsoleStreamResult?>(nil)

    func resolve(_ value: ConsoleStreamResult) {
        let first = result.withLock { result in
            guard result == nil else { return false }
            result = value
            return true
        }
        if first { semaphore.signal() }
    }

    func wait(timeout: Duration) -> ConsoleStreamResult? {
        let nanoseconds = Int(timeout.components.seconds) * 1_000_000_000
        guard semaphore.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { return nil }
        return result.withLock { $0 }
    }
}
