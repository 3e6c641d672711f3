import ArgumentParser
import Foundation
import ReverbEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `reverb-tui doctor`: the checks Reverb's production notes leave to the reader (docs/production.md), each on
/// one line with a verdict and, when it is not a pass, the exact fix. Exit status 1 when any check fails.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this machine and configuration for production: limits, ports, TLS, Redis, .env.")

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Connections you want to serve (default: the apps' max_connections summed, else 10000).")
    var connections: Int?

    func run() async throws {
        var report = DoctorReport()
        let environment = ProcessInfo.processInfo.environment
        let envPath =
            options.envFile ?? (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(".env")
        if let text = try? String(contentsOfFile: envPath, encoding: .utf8) {
            let parsed = DotEnvFile.parse(text, environment: environment)
            report.pass(".env", "\(envPath) read, \(parsed.count) variables")
        } else if options.envFile != nil {
            report.fail(
                ".env", "cannot read \(envPath)", fix: "give the path of the Laravel project's .env to --env-file")
        } else {
            report.pass(".env", "no .env in this directory; configuration from the environment and flags only")
        }

        var configuration = ServerConfiguration()
        do {
            let loaded = try ConfigurationLoader.load(flags: options.flags)
            configuration = loaded.configuration
            let files = loaded.filesRead.isEmpty ? "defaults and environment" : loaded.filesRead.joined(separator: ", ")
            let apps = loaded.usesDevelopmentApp ? "the built-in development app" : "\(configuration.apps.count) app(s)"
            report.pass("configuration", "parsed from \(files): \(apps) on \(configuration.host):\(configuration.port)")
        } catch {
            report.fail("configuration", error.description, fix: "correct the value named above where it is set")
        }

        let wanted = connections ?? defaultConnections(configuration)
        checkOpenFiles(wanted: wanted, report: &report)
        checkPortRange(wanted: wanted, report: &report)
        checkBacklog(report: &report)
        checkPort(configuration, report: &report)
        checkTLS(configuration, report: &report)
        await checkRedis(configuration, report: &report)

        for line in report.lines { Output.line(line) }
        if report.failed {
            Output.line("  \(report.failures) check(s) failed.")
            throw ExitCode(1)
        }
        Output.line("  All checks passed.")
    }

    private func defaultConnections(_ configuration: ServerConfiguration) -> Int {
        let limits = configuration.apps.compactMap(\.maxConnections)
        return limits.count == configuration.apps.count && !limits.isEmpty ? limits.reduce(0, +) : 10_000
    }

    // MARK: Checks

    private func checkOpenFiles(wanted: Int, report: inout DoctorReport) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            return report.warn("open files", "cannot read RLIMIT_NOFILE", fix: "check `ulimit -n` by hand")
        }
        let soft = Int(clamping: limit.rlim_cur)
        let hard = Int(clamping: limit.rlim_max)
        // Each socket is one descriptor; the listener, logs and the event loops need a few more.
        let needed = wanted + 100
        let raise = max(needed, 100_000)
        let fix =
            "raise the hard limit to \(raise): systemd `LimitNOFILE=\(raise)` in [Service] (deploy/systemd), Supervisor "
            + "`minfds=\(raise)` in [supervisord] (deploy/supervisor), or /etc/security/limits.conf "
            + "`<user> soft nofile \(raise)` and `<user> hard nofile \(raise)`, then log in again"
        if hard < needed {
            report.fail(
                "open files", "hard limit \(hard) (soft \(soft)) is below \(needed) for \(wanted) connections", fix: fix
            )
        } else if soft < needed {
            report.pass(
                "open files",
                "soft \(soft), hard \(hard): enough for \(wanted) connections (reverb-tui raises soft to hard at start)"
            )
        } else {
            report.pass("open files", "soft \(soft), hard \(hard): enough for \(wanted) connections")
        }
    }

    private func checkPortRange(wanted: Int, report: inout DoctorReport) {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        else { return report.pass("ephemeral ports", "not Linux: net.ipv4.ip_local_port_range not checked") }
        let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard bounds.count == 2 else { return report.warn("ephemeral ports", "cannot parse \(text)", fix: "") }
        let size = bounds[1] - bounds[0] + 1
        // Behind a proxy on this machine every client socket is one proxy-to-server connection, each taking
        // one local port: the range caps the connections nginx can hold to one upstream.
        let detail = "net.ipv4.ip_local_port_range \(bounds[0])-\(bounds[1]) gives \(size) ports"
        if size < wanted {
            report.fail(
                "ephemeral ports", "\(detail), fewer than \(wanted) proxied connections",
                fix:
                    "sysctl -w net.ipv4.ip_local_port_range=\"1024 65535\" and add that line to "
                    + "/etc/sysctl.d/99-reverb.conf")
        } else {
            report.pass("ephemeral ports", "\(detail), enough for \(wanted) proxied connections")
        }
    }

    private func checkBacklog(report: inout DoctorReport) {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/core/somaxconn", encoding: .utf8),
            let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return report.pass("listen backlog", "not Linux: net.core.somaxconn not checked") }
        if value < 4096 {
            report.warn(
                "listen backlog",
                "net.core.somaxconn is \(value): a reconnect storm overflows the accept queue (reverb-tui asks 4096)",
                fix: "sysctl -w net.core.somaxconn=4096 and add it to /etc/sysctl.d/99-reverb.conf")
        } else {
            report.pass("listen backlog", "net.core.somaxconn is \(value)")
        }
    }

    private func checkPort(_ configuration: ServerConfiguration, report: inout DoctorReport) {
        var ports = [("port", configuration.port)]
        if let metrics = configuration.metricsPort { ports.append(("metrics port", metrics)) }
        let running = ServerRegistration.running(fingerprint: configuration.fingerprint)
        for (name, port) in ports {
            let address = "\(configuration.host):\(port)"
            if port == 0 {
                report.pass(name, "0: the server takes a free port at start")
                continue
            }
            guard let problem = PortProbe.bindError(host: configuration.host, port: port) else {
                report.pass(name, "\(address) is free")
                continue
            }
            if let server = running.first(where: {
                $0.details.hasSuffix(":\(port)") || $0.details.contains(":\(port)/")
            }) {
                report.pass(
                    name,
                    "\(address) is held by reverb-tui pid \(server.pid) with this configuration "
                        + "(`reverb-tui restart` replaces it)")
            } else {
                report.fail(
                    name, "\(address): \(problem)",
                    fix:
                        "stop what listens there (`ss -ltnp 'sport = :\(port)'` names it) or choose another port "
                        + "with --port / REVERB_SERVER_PORT")
            }
        }
    }

    private func checkTLS(_ configuration: ServerConfiguration, report: inout DoctorReport) {
        guard let files = configuration.tls else {
            return report.pass("TLS", "off (terminate TLS at nginx, deploy/nginx, or set --tls-cert/--tls-key)")
        }
        switch TLSFileCheck.check(files) {
        case .failure(let failure):
            report.fail(
                "TLS", failure.description,
                fix:
                    "point local_cert/REVERB_TLS_CERT at the PEM certificate chain and local_pk/REVERB_TLS_KEY at its "
                    + "key, readable by the server's user")
        case .success(let found):
            let date = found.notValidAfter.formatted(.iso8601.year().month().day())
            if found.expired {
                report.fail(
                    "TLS", "\(files.certificateChainPath) expired on \(date)",
                    fix: "renew the certificate, then `kill -HUP <pid>` (systemctl reload) to load it")
            } else if found.expiresSoon {
                report.warn(
                    "TLS", "\(files.certificateChainPath) expires on \(date)",
                    fix: "renew it; `kill -HUP <pid>` (systemctl reload) loads the new files without dropping sockets")
            } else {
                report.pass(
                    "TLS",
                    "\(files.certificateChainPath) and \(files.privateKeyPath) match; valid until \(date)")
            }
        }
    }

    /// The server's own Redis client and configuration (URL or separate keys, AUTH, SELECT, TLS), so doctor
    /// checks exactly what a node will do.
    private func checkRedis(_ configuration: ServerConfiguration, report: inout DoctorReport) async {
        let scaling = configuration.scaling
        guard scaling.enabled else { return report.pass("Redis", "scaling off (REVERB_SCALING_ENABLED), not needed") }
        let address = scaling.redis.displayAddress
        if let problem = await ClusterProbe.ping(configuration: configuration) {
            report.fail(
                "Redis", "\(address): \(problem)",
                fix:
                    "start Redis there, or set REDIS_URL or REDIS_HOST/REDIS_PORT and REDIS_USERNAME/REDIS_PASSWORD to "
                    + "the server's (check with `redis-cli -h HOST -p PORT ping`)")
        } else {
            report.pass("Redis", "\(address) answered PONG")
        }
    }
}
