import ArgumentParser
import Foundation
import Logging
import ReverbEngine
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// `reverb-tui start` (the default subcommand): runs the Pusher-protocol server, with the live console on a
/// terminal or headless otherwise.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Run the server (the default when no subcommand is given).",
        discussion: """
            Configuration comes from, highest first: these flags, REVERB_* environment variables, a Laravel .env \
            in the working directory (or --env-file), a JSON config file (--config), and built-in defaults.
            """)

    @Option(help: "Bind address (REVERB_SERVER_HOST, default 0.0.0.0).") var host: String?
    @Option(help: "Bind port; 0 picks a free one (REVERB_SERVER_PORT, default 8080).") var port: String?
    @Option(help: "Path prefix for every route (REVERB_SERVER_PATH).") var path: String?
    @Option(help: "Public host name shown in the banner (REVERB_HOST).") var hostname: String?
    @Flag(help: "Print Reverb-style lines for every connection, message and error.") var debug = false
    @Option(name: .customLong("config"), help: "A JSON config file mirroring config/reverb.php.") var configFile:
        String?
    @Option(name: .customLong("env-file"), help: "A Laravel .env file (default ./.env when present).") var envFile:
        String?
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve wss:// and https:// directly.")
    var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.") var tlsKey: String?
    @Flag(help: "Run without the console (chosen automatically when stdout is not a terminal).") var headless = false
    @Option(help: "Console colour theme: a name from themes/ or a path to a .theme file.") var theme: String?
    @Option(
        name: .customLong("metrics-port"),
        help: "Serve Prometheus metrics at GET /metrics on this port (REVERB_METRICS_PORT; off by default).")
    var metricsPort: String?
    @Option(name: .customLong("log-format"), help: "Headless output: text (default) or json, one object per line.")
    var logFormat: LogFormat = .text
    @Flag(help: "Serve the console stream at {path}/console for `reverb-tui attach` (REVERB_ALLOW_ATTACH).")
    var allowAttach = false

    func run() async throws {
        var flags = ConfigurationLoader.Flags()
        flags.host = host
        flags.port = port
        flags.path = path
        flags.hostname = hostname
        flags.debug = debug
        flags.allowAttach = allowAttach
        flags.configFile = configFile
        flags.envFile = envFile
        flags.tlsCertificate = tlsCertificate
        flags.tlsKey = tlsKey
        flags.metricsPort = metricsPort

        let loaded: ConfigurationLoader.Result
        do {
            loaded = try ConfigurationLoader.load(flags: flags)
        } catch {
            FileHandle.standardError.write(Data("reverb-tui: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let consoleWanted = !headless && isatty(STDOUT_FILENO) == 1
        if let refusal = StartupChecks.developmentAppRefusal(loaded, headless: !consoleWanted) {
            FileHandle.standardError.write(Data("reverb-tui: \(refusal)\n".utf8))
            throw ExitCode(2)
        }
        // With the console on screen, log lines would tear it: they go nowhere (the stream pane shows events).
        let logger =
            consoleWanted
            ? Logger(label: "reverb-tui", factory: { _ in SwiftLogNoOpLogHandler() })
            : logFormat.makeLogger(debug: loaded.configuration.debug)
        var production = ProductionServices(format: logFormat, logger: logger, console: consoleWanted)
        let metrics = ProductionServices.bootstrapMetrics(loaded.configuration)
        let server = try ReverbServer(configuration: loaded.configuration, logger: logger)
        // Observing before start() lets --debug show start-up lines (the first Redis connection) after the banner.
        let debugRing =
            loaded.configuration.debug && !consoleWanted ? server.observe(capacity: 10_000) : nil
        do {
            try await server.start()
        } catch let error as TLSLoadError {
            FileHandle.standardError.write(Data("reverb-tui: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch {
            let line = ListenFailure.describe(error, configuration: loaded.configuration)
            FileHandle.standardError.write(Data("reverb-tui: \(line)\n".utf8))
            throw ExitCode(1)
        }
        // After a graceful stop the port is no longer bound: remember the real one (it matters with --port 0).
        let address = server.listeningAddress
        // Registered for `restart` and listening for SIGHUP before the banner says the server is up, so whoever
        // waits for the banner can signal it at once.
        do {
            try await production.started(server: server, metrics: metrics)
        } catch {
            FileHandle.standardError.write(Data("reverb-tui: cannot serve metrics: \(error)\n".utf8))
            throw ExitCode(1)
        }
        defer { production.stopped() }
        var services: [any Service] = [server] + production.services
        if consoleWanted {
            Banner.print(server: server, loaded: loaded, write: Output.line)
        } else {
            var banner: [String] = []
            Banner.print(server: server, loaded: loaded) { banner.append($0) }
            services.insert(AnnouncementService(lines: banner, write: production.write), at: 0)
        }
        // With the console on screen its stream pane is the --debug view; printed lines would tear the screen.
        if loaded.configuration.debug && !consoleWanted {
            services.append(TrafficLog(server: server, ring: debugRing, write: production.write))
        }
        if consoleWanted {
            let console = ConsoleService(
                engine: ServerConsoleEngine(server: server), events: server.observe(capacity: 10_000),
                options: .current(theme: theme), logger: logger)
            services.append(console)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        (consoleWanted ? Output.line : production.write)("  INFO  Stopped server on \(address).")
    }
}
