import ArgumentParser
import BenchCore
import NIOCore
import Synchronization

/// Scenario d: members join and leave a presence channel at a rate; an observer checks every member event.
struct PresenceScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presence",
        abstract: "Presence churn: joins and leaves at a rate, member_added/member_removed checked by an observer."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "Member sockets that take turns joining and leaving.") var members = 100
    @Option(help: "Joins plus leaves per second.") var rate: Double = 50
    @Option(help: "Seconds of churn.") var duration: Double = 5
    @Option(help: "Seconds to wait for member events after the churn.") var grace: Double = 5

    func run() async throws {
        let group = self.common.makeGroup()
        let sink = SocketSink()
        let tag = runTag()
        let channel = "presence-churn-\(tag)"
        let fleet = SocketFleet(
            group: group, sink: sink, sources: self.common.sourceAddresses, window: self.common.window)
        let deadline = self.common.deadline
        let target = self.common.target
        let observer = await fleet.open(
            [
                SocketPlan(
                    index: 0, target: target, channel: channel,
                    channelData: #"{"user_id":"observer","user_info":{"name":"observer"}}"#, role: .presenceObserver)
            ],
            deadline: deadline
        )
        let pool = await fleet.open(
            (1...self.members).map { SocketPlan(index: $0, target: target, channel: nil, role: .idle) },
            deadline: deadline
        )
        let ready = sink.ready.load(ordering: .relaxed)
        let subscriptionsBefore = sink.subscriptions.load(ordering: .relaxed)

        var current: [String?] = Array(repeating: nil, count: pool.count)
        var generation = 0
        var joins = 0
        var leaves = 0
        var joined: Set<String> = []
        var left: Set<String> = []
        let planned = max(1, Int(self.rate * self.duration))
        let start = ContinuousClock.now
        for step in 0..<planned {
            if ContinuousClock.now > deadline { break }
            let due = start + .microseconds(Int(Double(step) * 1_000_000 / self.rate))
            if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
            let i = Int.random(in: 0..<pool.count)
            let handle = pool[i]
            guard let socketID = handle.socketID.withLock({ $0 }) else { continue }
            if let user = current[i] {
                handle.send(text: Target.unsubscribeMessage(channel: channel))
                current[i] = nil
                left.insert(user)
                leaves += 1
            } else {
                generation += 1
                let user = "u\(i)-\(generation)"
                let data = #"{"user_id":"\#(user)","user_info":{"name":"\#(user)"}}"#
                handle.send(text: target.subscribeMessage(channel: channel, socketID: socketID, channelData: data))
                current[i] = user
                joined.insert(user)
                joins += 1
            }
        }
        let graceEnd = min(deadline, ContinuousClock.now + .milliseconds(Int(self.grace * 1000)))
        _ = await waitUntil(graceEnd) {
            let seen = sink.members.withLock { members in
                members.values.reduce((0, 0)) { ($0.0 + $1.added, $0.1 + $1.removed) }
            }
            return seen.0 >= joins && seen.1 >= leaves
        }
        try? await Task.sleep(for: .milliseconds(100))
        let records = sink.members.withLock { $0 }
        var addedOK = 0
        var removedOK = 0
        var unexpected = 0
        for (user, record) in records {
            let wasJoined = joined.contains(user)
            let wasLeft = left.contains(user)
            if wasJoined && record.added >= 1 { addedOK += 1 }
            if wasLeft && record.removed >= 1 && record.outOfOrder == 0 { removedOK += 1 }
            unexpected += max(0, record.added - (wasJoined ? 1 : 0))
            unexpected += max(0, record.removed - (wasLeft ? 1 : 0)) + record.outOfOrder
        }
        let lost = (joins - addedOK) + (leaves - removedOK)
        let subscribeReplies = sink.subscriptions.load(ordering: .relaxed) - subscriptionsBefore
        let failures =
            (1 + self.members - ready) + sink.droppedAfterReady.load(ordering: .relaxed)
            + sink.pusherErrors.load(ordering: .relaxed) + max(0, joins - subscribeReplies)
        var line = self.common.header(scenario: "presence")
        line += [
            ("ok", .bool(failures == 0 && lost == 0 && unexpected == 0 && joins > 0)),
            ("members", .int(self.members)),
            ("rate_per_s", .double(self.rate)),
            ("joins", .int(joins)),
            ("leaves", .int(leaves)),
            ("member_added", .int(addedOK)),
            ("member_removed", .int(removedOK)),
            ("subscription_succeeded", .int(subscribeReplies)),
            ("lost", .int(lost)),
            ("unexpected", .int(unexpected)),
            ("failures", .int(failures)),
            ("elapsed_s", .double(seconds(ContinuousClock.now - start))),
        ]
        if let first = sink.firstErrors.withLock({ $0.first }) { line.append(("first_error", .string(first))) }
        emit(line)
        await fleet.closeAll(observer + pool)
        try await group.shutdownGracefully()
    }
}
