import ArgumentParser
import BenchCore
import NIOCore
import Synchronization

/// Scenario e: client-event round trips between two sockets on a private channel.
struct ClientEventsScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-events",
        abstract: "Client-event round-trip latency between two sockets on a private channel."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "Round trips to make (one at a time).") var count = 2000
    @Option(help: "Most seconds to spend.") var duration: Double = 5

    func run() async throws {
        let group = self.common.makeGroup()
        let sink = SocketSink()
        let channel = "private-rtt-\(runTag())"
        let fleet = SocketFleet(
            group: group, sink: sink, sources: self.common.sourceAddresses, window: self.common.window)
        let deadline = self.common.deadline
        let target = self.common.target
        let handles = await fleet.open(
            [
                SocketPlan(index: 0, target: target, channel: channel, role: .roundTripOrigin),
                SocketPlan(index: 1, target: target, channel: channel, role: .echo),
            ],
            deadline: deadline
        )
        let ready = sink.ready.load(ordering: .relaxed)
        let start = ContinuousClock.now
        if ready == 2 {
            sink.roundTripsLeft.store(self.count - 1, ordering: .relaxed)
            sink.roundTripsSent.store(1, ordering: .relaxed)
            handles[0].send(
                text: PusherSocketHandler.clientEvent(
                    name: "client-ping", channel: channel, sent: MonotonicClock.nowMicros(), sequence: 1
                )
            )
            let stop = min(deadline, start + .milliseconds(Int(self.duration * 1000)))
            _ = await waitUntil(stop) { sink.received.load(ordering: .relaxed) >= self.count }
            // Stop the chain, then give the last ping a moment to come back.
            sink.roundTripsLeft.store(0, ordering: .relaxed)
            _ = await waitUntil(ContinuousClock.now + .seconds(2)) {
                sink.received.load(ordering: .relaxed) >= sink.roundTripsSent.load(ordering: .relaxed)
            }
        }
        let elapsed = seconds(ContinuousClock.now - start)
        let sent = ready == 2 ? sink.roundTripsSent.load(ordering: .relaxed) : 0
        let received = sink.received.load(ordering: .relaxed)
        let failures =
            (2 - ready) + sink.droppedAfterReady.load(ordering: .relaxed)
            + sink.pusherErrors.load(ordering: .relaxed)
        var line = self.common.header(scenario: "client-events")
        line += [
            ("ok", .bool(failures == 0 && sent == received && received > 0)),
            ("round_trips", .int(received)),
            ("sent", .int(sent)),
            ("lost", .int(max(0, sent - received))),
            ("failures", .int(failures)),
            ("elapsed_s", .double(elapsed)),
            ("round_trips_per_s", .double(elapsed > 0 ? Double(received) / elapsed : 0)),
            ("rtt_us", sink.histogram.summary),
        ]
        if let first = sink.firstErrors.withLock({ $0.first }) { line.append(("first_error", .string(first))) }
        emit(line)
        await fleet.closeAll(handles)
        try await group.shutdownGracefully()
    }
}
