import ArgumentParser
import BenchCore
import NIOCore
import Synchronization

/// How a scenario paces its publishing.
struct PublishOptions: ParsableArguments {
    @Option(help: "Broadcasts per second; 0 publishes back to back, each after the previous response.")
    var rate: Double = 10
    @Option(help: "Seconds of publishing (bounded also by --count).") var duration: Double = 5
    @Option(help: "Most broadcasts to send.") var count = 100_000
    @Option(name: .customLong("payload-bytes"), help: "Approximate size of each event's data.")
    var payloadBytes = 64
    @Option(help: "Seconds to wait for deliveries after the last publish.") var grace: Double = 10

    var plannedCount: Int {
        self.rate > 0 ? min(self.count, max(1, Int((self.rate * self.duration).rounded()))) : self.count
    }

    /// Publishes `plannedCount` requests built by `body(sequence)`, at the fixed rate or back to back.
    /// Returns the monotonic time of the first send.
    func publish(
        with publisher: Publisher, endpoint: String, deadline: ContinuousClock.Instant,
        body: (Int) -> String
    ) async -> UInt64 {
        let first = MonotonicClock.nowMicros()
        let start = ContinuousClock.now
        let stopAt = self.rate > 0 ? start + .milliseconds(Int(self.duration * 1000) + 1000) : deadline
        for i in 0..<self.plannedCount {
            if ContinuousClock.now > stopAt || ContinuousClock.now > deadline { break }
            if self.rate > 0 {
                let due = start + .microseconds(Int(Double(i) * 1_000_000 / self.rate))
                if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
                await publisher.postNoWait(endpoint: endpoint) { body(i) }
            } else {
                await publisher.post(endpoint: endpoint) { body(i) }
            }
        }
        return first
    }
}

/// Scenario b: N subscribers on one channel, a publisher on the HTTP API; throughput, latency, losses.
struct FanoutScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "N subscribers on one channel, HTTP API publisher at a rate; delivered/s, latency, losses."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var publishing: PublishOptions
    @Option(help: "Subscribers on the channel.") var subscribers = 1000
    @Option(
        name: .customLong("subscriber-ports"),
        help: "Comma-separated ports of more cluster nodes: subscribers are spread round-robin over --port and these.")
    var subscriberPorts: String?
    @Option(name: .customLong("publish-port"), help: "Publish through this node's API instead of --port (cluster).")
    var publishPort: Int?

    /// The target of subscriber `index`: round-robin over --port and --subscriber-ports.
    func subscriberTarget(_ index: Int) -> Target {
        let ports = [self.common.port] + (self.subscriberPorts ?? "").split(separator: ",").compactMap { Int($0) }
        var target = self.common.target
        target.port = ports[index % ports.count]
        return target
    }

    func run() async throws {
        let group = self.common.makeGroup()
        let sink = SocketSink()
        let channel = "fanout-\(runTag())"
        let fleet = SocketFleet(
            group: group, sink: sink, sources: self.common.sourceAddresses, window: self.common.window)
        let deadline = self.common.deadline
        let plans = (0..<self.subscribers).map {
            SocketPlan(index: $0, target: self.subscriberTarget($0), channel: channel, role: .subscriber)
        }
        let connectStart = ContinuousClock.now
        let handles = await fleet.open(plans, deadline: deadline)
        let connectSeconds = seconds(ContinuousClock.now - connectStart)
        let ready = sink.ready.load(ordering: .relaxed)
        let rssConnected = self.common.rssKiB()

        var publishTarget = self.common.target
        if let publishPort = self.publishPort { publishTarget.port = publishPort }
        let publisher = Publisher(group: group, target: publishTarget)
        let serverCPUBefore = self.common.serverCPUSeconds()
        let clientCPUBefore = ProcessProbe.ownCPUSeconds()
        let payload = self.publishing.payloadBytes
        let firstSend = await self.publishing.publish(with: publisher, endpoint: "events", deadline: deadline) { i in
            let data = PayloadProbe.makeData(timeMicros: MonotonicClock.nowMicros(), sequence: i, size: payload)
            return JSONValue.object([
                ("name", .string("bench")), ("channel", .string(channel)), ("data", .string(data)),
            ]).rendered
        }
        let publishDone = ContinuousClock.now
        let graceEnd = min(deadline, publishDone + .milliseconds(Int(self.publishing.grace * 1000)))
        _ = await waitUntil(graceEnd) {
            let sent = publisher.ok.load(ordering: .relaxed) + publisher.failed.load(ordering: .relaxed)
            return sent >= self.publishing.plannedCount
                && sink.received.load(ordering: .relaxed) >= publisher.ok.load(ordering: .relaxed) * ready
        }
        // A short quiet period catches duplicates that would arrive after the expected count.
        try? await Task.sleep(for: .milliseconds(100))
        let cpu = self.common.cpuMembers(
            serverBefore: serverCPUBefore,
            clientBefore: clientCPUBefore,
            delivered: sink.received.load(ordering: .relaxed)
        )
        let tally = DeliveryTally(
            publisher: publisher, sink: sink, expectedPerPublish: ready, missingSockets: self.subscribers - ready,
            firstSend: firstSend)
        var line = self.common.header(scenario: "fanout")
        line +=
            [
                ("ok", .bool(tally.ok)),
                ("subscribers", .int(ready)),
                ("rate_per_s", .double(self.publishing.rate)),
                ("broadcasts", .int(self.publishing.plannedCount)),
                ("published", .int(tally.published)),
                ("publish_failures", .int(publisher.failed.load(ordering: .relaxed))),
            ] + tally.members(latency: sink.histogram.summary) + cpu + [
                ("payload_bytes", .int(payload)),
                ("connect_s", .double(connectSeconds)),
                ("client_threads", .int(self.common.threads)),
                ("server_rss_kib", rssConnected),
            ]
        if let text = publisher.firstFailure.withLock({ $0 }) { line.append(("first_failure", .string(text))) }
        if let first = sink.firstErrors.withLock({ $0.first }) { line.append(("first_error", .string(first))) }
        emit(line)
        await publisher.close()
        await fleet.closeAll(handles)
        try await group.shutdownGracefully()
    }
}
