import ArgumentParser
import BenchCore
import NIOCore
import Synchronization

/// Scenario c: N sockets each on its own channel; events to random channels through `batch_events`.
struct ChannelsScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels",
        abstract: "N sockets each on its own channel, events to random channels; delivered/s, latency, losses."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var publishing: PublishOptions
    @Option(help: "Sockets, one channel each.") var channels = 1000
    @Option(help: "Events per batch_events request (--rate and --count count events).") var batch = 10

    func run() async throws {
        let group = self.common.makeGroup()
        let sink = SocketSink()
        let tag = runTag()
        let fleet = SocketFleet(
            group: group, sink: sink, sources: self.common.sourceAddresses, window: self.common.window)
        let deadline = self.common.deadline
        let plans = (0..<self.channels).map {
            SocketPlan(index: $0, target: self.common.target, channel: "ch-\(tag)-\($0)", role: .subscriber)
        }
        let handles = await fleet.open(plans, deadline: deadline)
        let ready = sink.ready.load(ordering: .relaxed)

        let batch = max(1, self.batch)
        var requests = self.publishing
        requests.rate = self.publishing.rate / Double(batch)
        requests.count = max(1, self.publishing.count / batch)
        let publisher = Publisher(group: group, target: self.common.target)
        let serverCPUBefore = self.common.serverCPUSeconds()
        let clientCPUBefore = ProcessProbe.ownCPUSeconds()
        let payload = self.publishing.payloadBytes
        let channelCount = self.channels
        let firstSend = await requests.publish(with: publisher, endpoint: "batch_events", deadline: deadline) { i in
            let now = MonotonicClock.nowMicros()
            let items: [JSONValue] = (0..<batch).map { j in
                .object([
                    ("name", .string("bench")),
                    ("channel", .string("ch-\(tag)-\(Int.random(in: 0..<channelCount))")),
                    ("data", .string(PayloadProbe.makeData(timeMicros: now, sequence: i * batch + j, size: payload))),
                ])
            }
            return JSONValue.object([("batch", .array(items))]).rendered
        }
        let graceEnd = min(deadline, ContinuousClock.now + .milliseconds(Int(self.publishing.grace * 1000)))
        _ = await waitUntil(graceEnd) {
            let sent = publisher.ok.load(ordering: .relaxed) + publisher.failed.load(ordering: .relaxed)
            return sent >= requests.plannedCount
                && sink.received.load(ordering: .relaxed) >= publisher.ok.load(ordering: .relaxed) * batch
        }
        try? await Task.sleep(for: .milliseconds(100))
        let cpu = self.common.cpuMembers(
            serverBefore: serverCPUBefore,
            clientBefore: clientCPUBefore,
            delivered: sink.received.load(ordering: .relaxed)
        )
        let tally = DeliveryTally(
            publisher: publisher, sink: sink, expectedPerPublish: 1, publishedPerRequest: batch,
            missingSockets: self.channels - ready, firstSend: firstSend)
        var line = self.common.header(scenario: "channels")
        line +=
            [
                ("ok", .bool(tally.ok)),
                ("channels", .int(ready)),
                ("rate_per_s", .double(self.publishing.rate)),
                ("batch", .int(batch)),
                ("published", .int(tally.published)),
            ] + tally.members(latency: sink.histogram.summary) + cpu
        if let text = publisher.firstFailure.withLock({ $0 }) { line.append(("first_failure", .string(text))) }
        emit(line)
        await publisher.close()
        await fleet.closeAll(handles)
        try await group.shutdownGracefully()
    }
}
