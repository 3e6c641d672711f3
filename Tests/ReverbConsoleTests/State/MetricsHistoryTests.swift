import Foundation
import ReverbConsole
import ReverbEngine
import Testing

/// The samples behind the pictures, the latency buckets, and what changes when the console is attached.
@Suite struct MetricsHistoryTests {
    func snapshot(at seconds: TimeInterval, connections: Int, messagesIn: Int, latency: [Int]) -> EngineSnapshot {
        let rows = (0..<connections).map { index in
            ConnectionSnapshot(
                socketID: "1.\(index)", appID: "1", connectedAt: Fixtures.now, lastSeenAt: Fixtures.now)
        }
        return EngineSnapshot(
            takenAt: Fixtures.now.addingTimeInterval(seconds),
            apps: [AppSnapshot(id: "1", key: "k", connections: rows)],
            counters: EngineCounters(messagesIn: messagesIn, messagesOut: messagesIn * 2),
            broadcastLatency: LatencyHistogramSnapshot(
                counts: latency + Array(repeating: 0, count: LatencyHistogramSnapshot.bucketCount - latency.count)))
    }

    @Test func trackerKeepsConnectionsRatesAndTheLastMinuteOfLatency() {
        var tracker = RateTracker(window: 1, historyLength: 3, latencyWindow: 60)
        tracker.observe(snapshot(at: 0, connections: 1, messagesIn: 0, latency: [5]))
        tracker.observe(snapshot(at: 30, connections: 2, messagesIn: 60, latency: [5, 4]))
        tracker.observe(snapshot(at: 61, connections: 3, messagesIn: 122, latency: [5, 6, 1]))
        // At 61 s the sample at 0 s is more than a minute old, but it is still the start of the window.
        #expect(tracker.metrics.latency.counts.prefix(3) == [0, 6, 1])
        #expect(tracker.metrics.latencyWindowSeconds == 61)
        tracker.observe(snapshot(at: 91, connections: 2, messagesIn: 182, latency: [5, 6, 3]))
        // Now the window starts at 30 s: only what came after it counts.
        #expect(tracker.metrics.latency.counts.prefix(3) == [0, 2, 3])
        #expect(tracker.metrics.latencyWindowSeconds == 61)
        #expect(tracker.metrics.connections == [2, 3, 2])
        #expect(tracker.metrics.messagesIn == [2, 2, 2])
        #expect(tracker.metrics.messagesOut == [4, 4, 4])
    }

    @Test func aRestartedServerStartsItsLatencyCountsAgain() {
        let before = LatencyHistogramSnapshot(counts: [9] + Array(repeating: 0, count: 11))
        let after = LatencyHistogramSnapshot(counts: [1] + Array(repeating: 0, count: 11))
        #expect(after.since(before) == after)
    }

    @Test func bucketsAndQuantiles() {
        #expect(LatencyHistogramSnapshot.bucket(forNanoseconds: 0) == 0)
        #expect(LatencyHistogramSnapshot.bucket(forNanoseconds: 50_000) == 0)
        #expect(LatencyHistogramSnapshot.bucket(forNanoseconds: 50_001_000) == 10)
        #expect(LatencyHistogramSnapshot.bucket(forNanoseconds: 2_000_000_000) == 11)
        let histogram = LatencyHistogramSnapshot(counts: [0, 50, 49, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(histogram.quantileUpperBound(0.5) == 100)
        #expect(histogram.quantileUpperBound(0.99) == 250)
        #expect(histogram.quantileUpperBound(1) == Int.max)
        #expect(LatencyHistogramSnapshot().quantileUpperBound(0.5) == nil)
    }

    @Test func aRemoteEngineWordsItsOwnFailures() {
        struct Offline: ConsoleEngine {
            func snapshot(includingConnections: Bool) -> EngineSnapshot { EngineSnapshot() }
            func publish(appID: String, channel: String, event: String, data: String) throws -> Int { 0 }
            func closeConnection(appID: String, socketID: String, code: Int) -> Bool { false }
            func terminateUser(appID: String, userID: String) -> Int { 0 }
            func execute(_ command: EngineCommand) -> CommandOutcome { .failed("kick failed: not connected to x") }
        }
        let flash = CommandRunner(engine: Offline()).run(.kick(appID: "1", socketID: "1.2", code: 4200))
        #expect(flash == Flash("kick failed: not connected to x", kind: .failure))
        #expect(
            CommandRunner.flash(for: .kick(appID: "1", socketID: "1.2", code: 4200), outcome: .kicked(true))
                == Flash("kicked 1.2 with 4200", kind: .success))
    }

    @Test func quittingAnAttachedConsoleOnlyDetaches() {
        var state = Fixtures.state(width: 120, height: 40)
        let reducer = ActionReducer()
        _ = reducer.reduce(.requestQuit, state: &state, model: Fixtures.model(state))
        guard case .confirm(let local) = state.modal else {
            Issue.record("no confirmation")
            return
        }
        #expect(local.question == "Quit reverb-tui and stop the server?")
        state.modal = nil
        state.link = ConsoleLink(server: "ws://10.0.0.5:8080", phase: .live)
        _ = reducer.reduce(.requestQuit, state: &state, model: Fixtures.model(state))
        guard case .confirm(let attached) = state.modal else {
            Issue.record("no confirmation")
            return
        }
        #expect(attached.question == "Detach from ws://10.0.0.5:8080? The server keeps running.")
    }
}
