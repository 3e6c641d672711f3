import ArgumentParser
import Logging

/// How the headless server writes its lines: `text` (Reverb's human-readable lines, the default) or `json`
/// (one JSON object per line; docs/logging.md).
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json

    /// The logger the server uses. Text keeps the engine's per-connection records (level notice) out of the
    /// output, as Reverb does without `--debug`; JSON shows them, and `--debug` adds debug records.
    func makeLogger(debug: Bool) -> Logger {
        switch self {
        case .text:
            var logger = Logger(label: "reverb-tui")
            logger.logLevel = .warning
            return logger
        case .json:
            return Logger(label: "reverb-tui") { label in
                JSONLogHandler(label: label, level: debug ? .debug : .info)
            }
        }
    }
}
