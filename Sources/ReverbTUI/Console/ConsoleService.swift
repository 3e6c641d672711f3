import Foundation
import Logging
import ReverbConsole
import ReverbEngine
import ServiceLifecycle

/// The live console as a `Service`: runs the terminal loop on one dedicated thread and returns when the
/// user quits (after confirming) or on graceful shutdown, with the terminal restored either way. Run it
/// in a `ServiceGroup` whose success termination shuts the server down.
final class ConsoleService: Service {
    private let engine: any ConsoleEngine
    private let events: any ConsoleEventSource
    private let options: ConsoleOptions
    private let logger: Logger

    init(engine: any ConsoleEngine, events: any ConsoleEventSource, options: ConsoleOptions, logger: Logger) {
        self.engine = engine
        self.events = events
        self.options = options
        self.logger = logger
    }

    func run() async throws {
        do {
            try await runTerminalLoop()
        } catch let error as NcursesScreen.StartError {
            // No usable terminal after all (TERM unknown): keep serving without the console until shutdown.
            logger.warning("\(error.description); running without the console")
            try? await gracefulShutdown()
        }
        logger.debug("console closed")
    }

    private func runTerminalLoop() async throws {
        let stop = StopSignal()
        let (engine, events, options, logger) = (self.engine, self.events, self.options, self.logger)
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    // A dedicated thread, not the cooperative pool: the loop blocks in `get_wch`.
                    let thread = Thread {
                        continuation.resume(
                            with: Result {
                                try TerminalLoop(engine: engine, events: events, options: options, logger: logger)
                                    .run(stop: stop)
                            })
                    }
                    thread.name = "reverb-tui console"
                    thread.start()
                }
            } onCancel: {
                stop.raise()
            }
        } onGracefulShutdown: {
            stop.raise()
        }
    }
}
