import Dispatch
import Foundation
import Logging
import ReverbEngine
import ServiceLifecycle

/// What `start` adds around the server for production (docs/production.md): the restart registration, SIGHUP
/// certificate reloads, the Prometheus endpoint, and the JSON log format.
struct ProductionServices {
    let format: LogFormat
    let logger: Logger
    /// With the console on screen, status lines would tear it: they are dropped (its stream shows events).
    let console: Bool
    private(set) var registration: ServerRegistration?
    private(set) var reloader: (any DispatchSourceSignal)?
    private(set) var services: [any Service] = []

    init(format: LogFormat, logger: Logger, console: Bool) {
        self.format = format
        self.logger = logger
        self.console = console
        CertificateReloader.ignoreHangUps()
    }

    /// How banner and status lines are written: as they are for text, as one log record each for JSON.
    var write: @Sendable (String) -> Void {
        if console { return { _ in } }
        guard format == .json else { return Output.line }
        let logger = logger
        return { text in
            for raw in text.split(separator: "\n") {
                var line = raw.trimmingCharacters(in: .whitespaces)
                var level = Logger.Level.info
                if line.hasPrefix("ERROR ") {
                    level = .error
                    line = String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces)
                } else if line.hasPrefix("INFO ") {
                    line = String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                }
                if !line.isEmpty { logger.log(level: level, "\(line)") }
            }
        }
    }

    /// Bootstraps the metrics backend when a metrics port is configured; before the server is made.
    static func bootstrapMetrics(_ configuration: ServerConfiguration) -> MetricsEndpoint? {
        guard let port = configuration.metricsPort else { return nil }
        let exposition = PrometheusExporter.bootstrap()
        return MetricsEndpoint(
            host: configuration.metricsHost ?? configuration.host, port: port, exposition: exposition)
    }

    /// After the server listens: registers it for `restart`, installs the SIGHUP reload, starts the metrics port.
    mutating func started(server: ReverbServer, metrics: MetricsEndpoint?) async throws {
        let configuration = server.configuration
        switch ServerRegistration.register(
            fingerprint: configuration.fingerprint, details: "\(server.listeningAddress)")
        {
        case .success(let entry): registration = entry
        case .failure(let error):
            write("  ERROR  reverb-tui restart cannot reach this server: \(error.reason)")
        }
        reloader = CertificateReloader.install(server: server, console: console, write: write)
        if let metrics {
            let port = try await metrics.start()
            write("  INFO  Metrics on http://\(configuration.metricsHost ?? configuration.host):\(port)/metrics.")
            services.append(metrics)
        }
    }

    /// After the server stopped: leaves the runtime directory.
    func stopped() {
        registration?.remove()
        reloader?.cancel()
    }
}
