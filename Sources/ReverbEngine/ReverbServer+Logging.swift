import Logging

extension ReverbServer {
    /// The logger when none is given: warnings and errors only, so the per-connection `notice` records
    /// (docs/logging.md) stay out of the way unless the caller's logger asks for them.
    public static var defaultLogger: Logger {
        var logger = Logger(label: "reverb")
        logger.logLevel = .warning
        return logger
    }
}
