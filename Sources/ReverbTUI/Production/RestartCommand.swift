import ArgumentParser
import Foundation
import ReverbEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `reverb-tui restart`, like `reverb:restart`: every server on this machine started with the same configuration
/// stops gracefully (a 4200 close to each socket, so clients reconnect at once; exit status 0), for Supervisor or
/// systemd to start it again with new code or settings.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Gracefully stop every server running with this configuration, for its supervisor to restart.",
        discussion: """
            Run it where the servers run (same directory, .env and environment, or the same --config/--env-file): \
            every server on this machine serving the same apps (ids and keys), on whatever port, gets SIGTERM, \
            closes every socket with 4200 and exits 0.
            """)

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Seconds to wait for the servers to stop.") var wait: Double = 10

    func run() async throws {
        let loaded = try options.load()
        let fingerprint = loaded.configuration.fingerprint
        let servers = ServerRegistration.running(fingerprint: fingerprint)
        Output.line("")
        Output.line("  INFO  Broadcasting Reverb restart signal.")
        // With scaling on, every node of the cluster hears the restart through Redis, on this machine or not.
        if loaded.configuration.scaling.enabled {
            do {
                let nodes = try await ClusterRestart.broadcast(configuration: loaded.configuration)
                Output.line("  Cluster: restart sent to \(nodes) node(s) through Redis.")
            } catch {
                Output.line("  Cluster: restart not sent: \(error).")
            }
        }
        if servers.isEmpty {
            Output.line("  No server with this configuration runs on this machine (\(describe(loaded.configuration))).")
            Output.line("")
            return
        }
        for server in servers {
            if kill(server.pid, SIGTERM) == 0 {
                Output.line("  Stopping server pid \(server.pid) \(server.details)")
            } else {
                Output.line("  Cannot signal pid \(server.pid): \(String(cString: strerror(errno)))")
            }
        }
        let deadline = Date().addingTimeInterval(wait)
        var remaining = servers
        while !remaining.isEmpty && Date() < deadline {
            usleep(50_000)
            remaining.removeAll { !ServerRegistration.isLocked($0.path) }
        }
        let stopped = servers.count - remaining.count
        Output.line("  Stopped \(stopped) of \(servers.count) server(s).")
        Output.line("")
        if !remaining.isEmpty {
            FileHandle.standardError.write(
                Data(
                    ("reverb-tui: still running after \(Int(wait))s: pid "
                        + remaining.map { String($0.pid) }.joined(separator: ", ") + "\n").utf8))
            throw ExitCode(1)
        }
    }

    private func describe(_ configuration: ServerConfiguration) -> String {
        "app \(configuration.apps.map(\.id).joined(separator: ", "))"
    }
}
