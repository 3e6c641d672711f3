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
        let fleet = SocketFleet(group: group, sink: sink, sources: self.common.sourceAddresses, window: self.common.window)
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
        let published = publisher.ok.load(ordering: .relaxed) * batch
        let received = sink.received.load(ordering: .relaxed)
        let duplicates = sink.duplicates.load(ordering: .relaxed)
        let lost = max(0, published - (received - duplicates))
        let last = sink.lastReceiveMicros.load(ordering: .relaxed)
        let window = last > firstSend ? Double(last - firstSend) / 1e6 : 0
        let failures = (self.channels - ready) + publisher.failed.load(ordering: .relaxed)
            + sink.droppedAfterReady.load(ordering: .relaxed)
        var line = self.common.header(scenario: "channels")
        line += [
            ("ok", .bool(failures == 0 && lost == 0 && duplicates == 0 && published > 0)),
            ("channels", .int(ready)),
            ("rate_per_s", .double(self.publishing.rate)),
            ("batch", .int(batch)),
            ("published", .int(published)),
            ("expected", .int(published)),
            ("delivered", .int(received - duplicates)),
            ("lost", .int(lost)),
            ("duplicates", .int(duplicates)),
            ("failures", .int(failures)),
            ("elapsed_s", .double(window)),
            ("delivered_per_s", .double(window > 0 ? Double(received - duplicates) / window : 0)),
            ("latency_us", sink.histogram.summary),
        ] + cpu
        if let text = publisher.firstFailure.withLock({ $0 }) { line.append(("first_failure", .string(text))) }
        emit(line)
        await publisher.close()
        await fleet.closeAll(handles)
        try await group.shutdownGracefully()
    }
}
