import ArgumentParser
import BenchCore
import NIOPosix
import Synchronization

/// Options shared by every scenario: the server, the app, and how the client spreads its sockets.
struct CommonOptions: ParsableArguments {
    @Option(help: "Server host.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: Int
    @Option(name: .customLong("app-id"), help: "App id (HTTP API).") var appID = "123456"
    @Option(help: "App key (WebSocket path, auth).") var key = "reverb-key"
    @Option(help: "App secret (signatures).") var secret = "reverb-secret"
    @Option(name: .customLong("server-pid"), help: "Server process id, to report its resident memory.")
    var serverPID: Int32?
    @Option(help: "Client event-loop threads.") var threads = 1
    @Option(help: "Number of source addresses 127.0.0.B.. to spread sockets over (0: no bind).")
    var sources = 0
    @Option(name: .customLong("source-base"), help: "Last octet of the first source address.")
    var sourceBase = 2
    @Option(help: "Handshakes in flight at once while connecting.") var window = 200
    @Option(help: "Hard limit on the whole scenario, seconds.") var timeout: Double = 120
    @Option(help: "Free-form label copied into the result line.") var label: String?

    var target: Target {
        Target(host: self.host, port: self.port, appID: self.appID, key: self.key, secret: self.secret)
    }

    var sourceAddresses: [String] {
        (0..<self.sources).map { "127.0.0.\(self.sourceBase + $0)" }
    }

    var deadline: ContinuousClock.Instant { .now + .milliseconds(Int(self.timeout * 1000)) }

    func makeGroup() -> MultiThreadedEventLoopGroup {
        ProcessProbe.raiseFileLimit()
        return MultiThreadedEventLoopGroup(numberOfThreads: self.threads)
    }

    /// The members every result line starts with.
    func header(scenario: String) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("scenario", .string(scenario)), ("target", .string(self.target.description)),
            ("date", .string(MonotonicClock.isoDate())),
        ]
        if let label { members.append(("label", .string(label))) }
        return members
    }

    func serverCPUSeconds() -> Double? {
        self.serverPID.flatMap { ProcessProbe.cpuSeconds(pid: $0) }
    }

    /// Server and client CPU used during a measured phase, in total and per delivered message.
    func cpuMembers(serverBefore: Double?, clientBefore: Double, delivered: Int) -> [(String, JSONValue)] {
        let client = ProcessProbe.ownCPUSeconds() - clientBefore
        var members: [(String, JSONValue)] = [("client_cpu_s", .double(client))]
        if let before = serverBefore, let after = self.serverCPUSeconds() {
            members.append(("server_cpu_s", .double(after - before)))
            members.append(
                (
                    "server_cpu_us_per_message",
                    delivered > 0 ? .double((after - before) * 1e6 / Double(delivered)) : .null
                ))
        }
        return members
    }

    func rssKiB() -> JSONValue {
        guard let pid = self.serverPID, let kib = ProcessProbe.residentKiB(pid: pid) else { return .null }
        return .int(kib)
    }
}

/// A short random tag so that channel names of two runs never collide on a long-lived server.
func runTag() -> String {
    String(UInt32.random(in: 0...UInt32.max), radix: 36)
}

/// Prints one result line and flushes, so orchestration scripts see it at once.
func emit(_ members: [(String, JSONValue)]) {
    print(JSONValue.object(members).rendered)
    fflushStdout()
}

/// Waits until `condition` holds or `deadline` passes, polling every few milliseconds.
func waitUntil(_ deadline: ContinuousClock.Instant, _ condition: () -> Bool) async -> Bool {
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}

func seconds(_ duration: Duration) -> Double {
    let c = duration.components
    return Double(c.seconds) + Double(c.attoseconds) / 1e18
}
