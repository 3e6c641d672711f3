import ServiceLifecycle

/// Writes the banner from inside the running service group, then waits for the group to stop.
///
/// The group traps SIGTERM and SIGINT only once it runs; a banner written before that would let whoever waits for
/// it (a supervisor, a test, a deploy script) signal the process while the default action still kills it without
/// a graceful stop.
struct AnnouncementService: Service {
    let lines: [String]
    let write: @Sendable (String) -> Void

    func run() async throws {
        lines.forEach(write)
        try? await gracefulShutdown()
    }
}
