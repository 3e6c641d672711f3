import Synchronization

/// How often the server defended itself since start: connections closed for being slow or silent, requests
/// refused, accepts paused at the open-file limit. Monotonic; for the console and metrics.
public struct ProtectionCounters: Sendable, Hashable, Codable {
    /// Sockets dropped because their unread output passed `write_buffer_limit` (4100).
    public var slowClientsDropped = 0
    /// Connections closed because no whole HTTP request or upgrade arrived within `handshake_timeout`.
    public var handshakeTimeouts = 0
    /// Kept-alive HTTP connections closed after `http_idle_timeout` without a request.
    public var idleTimeouts = 0
    /// Times accepting new connections was paused because the process ran out of file descriptors.
    public var acceptPauses = 0
    /// WebSockets closed for breaking the protocol (1002, 1007, 1009) and HTTP requests refused as malformed.
    public var protocolErrors = 0

    public init() {}
}

/// The atomics behind `ProtectionCounters`.
final class ProtectionTotals: Sendable {
    let slowClientsDropped = Atomic<Int>(0)
    let handshakeTimeouts = Atomic<Int>(0)
    let idleTimeouts = Atomic<Int>(0)
    let acceptPauses = Atomic<Int>(0)
    let protocolErrors = Atomic<Int>(0)

    var counters: ProtectionCounters {
        var counters = ProtectionCounters()
        counters.slowClientsDropped = slowClientsDropped.load(ordering: .relaxed)
        counters.handshakeTimeouts = handshakeTimeouts.load(ordering: .relaxed)
        counters.idleTimeouts = idleTimeouts.load(ordering: .relaxed)
        counters.acceptPauses = acceptPauses.load(ordering: .relaxed)
        counters.protocolErrors = protocolErrors.load(ordering: .relaxed)
        return counters
    }
}
