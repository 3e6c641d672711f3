import ArgumentParser
import Foundation
import Logging
import NIOPosix
import ReverbEngine
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// `reverb-tui attach URL`: the live console of a server running elsewhere (headless, in a container, on another
/// host), over the server's console stream. See docs/console.md.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Open the live console of a running server (started with --allow-attach).",
        discussion: """
            The app id and secret come from, highest first: --app-id/--secret, REVERB_APP_ID/REVERB_APP_SECRET, \
            a Laravel .env in the working directory (or --env-file), and a JSON config file (--config), read as \
            the server reads them. With --app-id alone, the secret of that app in the configuration is used. \
            Without a URL, the server of the local configuration is attached (ws://127.0.0.1:PORT/PATH).
            """)

    @Argument(help: "The server: ws://host:port[/path], wss://…, http(s)://… or host:port.") var url: String?
    @Option(name: .customLong("app-id"), help: "The app whose secret signs the request (REVERB_APP_ID).")
    var appID: String?
    @Option(help: "That app's secret (REVERB_APP_SECRET).") var secret: String?
    @Option(name: .customLong("env-file"), help: "A Laravel .env file (default ./.env when present).") var envFile:
        String?
    @Option(name: .customLong("config"), help: "A JSON config file mirroring config/reverb.php.") var configFile:
        String?
    @Option(name: .customLong("tls-ca"), help: "PEM certificates to trust for wss:// (a self-signed server).")
    var trustedCertificates: String?
    @Flag(help: "Do not verify the server's TLS certificate.") var insecure = false
    @Option(help: "Console colour theme: a name from themes/ or a path to a .theme file.") var theme: String?

    func run() async throws {
        let target: AttachTarget
        let credentials: (appID: String, secret: String)
        do {
            (target, credentials) = try resolve()
        } catch {
            Self.fail("\(error)", code: 2)
        }
        let session = AttachSession(
            connector: ConsoleStreamConnector(
                target: target, appID: credentials.appID, secret: credentials.secret,
                trustedCertificates: trustedCertificates, insecure: insecure,
                group: MultiThreadedEventLoopGroup.singleton
            ))
        do {
            try await session.connect()
        } catch {
            switch error {
            case .refused: Self.fail("refused by \(target.display): \(error)", code: 1)
            default: Self.fail("\(error)", code: 1)
            }
        }
        // Checked after connecting, so a refusal is reported the same way from a script.
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            Self.fail("attach needs a terminal (stdin and stdout must be a TTY)", code: 2)
        }
        let logger = Logger(label: "reverb-tui", factory: { _ in SwiftLogNoOpLogHandler() })
        let console = ConsoleService(
            engine: session, events: session, options: .current(theme: theme), logger: logger)
        let reconnect = Task { await session.maintain() }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: console, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        reconnect.cancel()
        await session.close()
    }

    /// The target and credentials from the flags, the environment, the .env and the config file.
    private func resolve() throws -> (AttachTarget, (appID: String, secret: String)) {
        var configuration: ServerConfiguration?
        if appID == nil || secret == nil || url == nil {
            var flags = ConfigurationLoader.Flags()
            flags.envFile = envFile
            flags.configFile = configFile
            do {
                configuration = try ConfigurationLoader.load(flags: flags).configuration
            } catch {
                throw AttachError.usage(error.description)
            }
        }
        let apps = configuration?.apps ?? []
        guard let appID = appID ?? apps.first?.id else {
            throw AttachError.usage("no app id: pass --app-id or set REVERB_APP_ID")
        }
        guard let secret = secret ?? apps.first(where: { $0.id == appID })?.secret else {
            throw AttachError.usage("no secret for app \(appID): pass --secret or set REVERB_APP_SECRET")
        }
        let address: String
        if let url {
            address = url
        } else if let configuration {
            let scheme = configuration.tls == nil ? "ws" : "wss"
            address = "\(scheme)://127.0.0.1:\(configuration.port)\(configuration.routePrefix)"
        } else {
            throw AttachError.usage("no server URL given")
        }
        return (try AttachTarget.parse(address).get(), (appID, secret))
    }

    private static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("reverb-tui attach: \(message)\n".utf8))
        Foundation.exit(code)
    }
}
