/// The state of an attached console's connection to its server, shown in the header. An in-process console
/// has none.
public struct ConsoleLink: Hashable, Sendable {
    /// Where the link stands.
    public enum Phase: Hashable, Sendable {
        case connecting
        /// Streaming.
        case live
        /// Lost; trying again (attempt counts from 1).
        case reconnecting(attempt: Int, reason: String)
    }

    /// The server as the user named it (`ws://127.0.0.1:8080`).
    public var server: String
    public var phase: Phase
    /// Rows the server dropped for this console, and rows dropped here.
    public var serverDropped: Int
    public var localDropped: Int

    public init(server: String, phase: Phase, serverDropped: Int = 0, localDropped: Int = 0) {
        self.server = server
        self.phase = phase
        self.serverDropped = serverDropped
        self.localDropped = localDropped
    }

    /// `live`, `connecting…`, `reconnecting (3): connection refused`.
    public var status: String {
        switch phase {
        case .connecting: "connecting…"
        case .live: "live"
        case .reconnecting(let attempt, let reason): "reconnecting (\(attempt)): \(reason)"
        }
    }

    public var isLive: Bool { phase == .live }
}
