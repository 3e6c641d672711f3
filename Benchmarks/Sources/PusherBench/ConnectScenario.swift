#if canImport(Glibc)
    import Glibc
#endif
import ArgumentParser
import BenchCore
import NIOCore
import Synchronization

/// Scenario a: open N sockets, subscribe each, report the connect rate, failures and server RSS per connection.
struct ConnectScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect N sockets and subscribe each; connect rate, failures, server RSS per connection."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "Sockets to open.") var connections = 1000
    @Option(help: "Distinct public channels the sockets subscribe to (round robin).") var channels = 1
    @Option(help: "Seconds to wait after the last subscription before reading the server's RSS.")
    var settle: Double = 1
    @Option(help: "Seconds to hold the sockets open after printing the result (multi-process runs).")
    var hold: Double = 0
    @Option(name: .customLong("rss-before-kib"), help: "Server RSS measured before this run (multi-process runs).")
    var rssBeforeKiB: Int?

    func run() async throws {
        let group = self.common.makeGroup()
        let sink = SocketSink()
        let tag = runTag()
        let rssBefore: JSONValue = self.rssBeforeKiB.map { .int($0) } ?? self.common.rssKiB()
        let fleet = SocketFleet(
            group: group,
            sink: sink,
            sources: self.common.sourceAddresses,
            window: self.common.window
        )
        let plans = (0..<self.connections).map { i in
            SocketPlan(
                index: i,
                target: self.common.target,
                channel: "connect-\(tag)-\(i % max(1, self.channels))",
                role: .idle
            )
        }
        let clientBefore = ProcessProbe.residentKiB(pid: getpid())
        let start = ContinuousClock.now
        let handles = await fleet.open(plans, deadline: self.common.deadline)
        let elapsed = seconds(ContinuousClock.now - start)
        try? await Task.sleep(for: .milliseconds(Int(self.settle * 1000)))
        let rssAfter = self.common.rssKiB()
        let clientAfter = ProcessProbe.residentKiB(pid: getpid())
        let ready = sink.ready.load(ordering: .relaxed)
        let failures = self.connections - ready + sink.droppedAfterReady.load(ordering: .relaxed)
        var perConnection: JSONValue = .null
        if case .int(let before) = rssBefore, case .int(let after) = rssAfter, ready > 0 {
            perConnection = .int((after - before) * 1024 / ready)
        }
        var line = self.common.header(scenario: "connect")
        line += [
            ("ok", .bool(failures == 0)),
            ("connections", .int(self.connections)),
            ("subscribed", .int(ready)),
            ("failures", .int(failures)),
            ("pusher_errors", .int(sink.pusherErrors.load(ordering: .relaxed))),
            ("elapsed_s", .double(elapsed)),
            ("connect_rate_per_s", .double(elapsed > 0 ? Double(ready) / elapsed : 0)),
            ("source_addresses", .int(self.common.sources)),
            ("channels", .int(self.channels)),
            ("client_threads", .int(self.common.threads)),
            ("server_rss_before_kib", rssBefore),
            ("server_rss_after_kib", rssAfter),
            ("server_rss_per_connection_bytes", perConnection),
            // The client's own cost per socket: one NIO channel with one handler, no HTTP pipeline; a floor
            // for what a NIO server's socket can cost.
            (
                "client_rss_per_connection_bytes",
                clientBefore.flatMap { before in
                    clientAfter.map { ready > 0 ? .int(($0 - before) * 1024 / ready) : .null }
                } ?? .null
            ),
        ]
        if let first = sink.firstErrors.withLock({ $0.first }) { line.append(("first_error", .string(first))) }
        emit(line)
        if self.hold > 0 { try? await Task.sleep(for: .milliseconds(Int(self.hold * 1000))) }
        await fleet.closeAll(handles)
        try await group.shutdownGracefully()
    }
}
