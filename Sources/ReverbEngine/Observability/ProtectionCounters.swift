import Metrics
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

/// The atomics behind `ProtectionCounters`, each mirrored by a metrics counter (docs/metrics.md).
final class ProtectionTotals: Sendable {
    /// One monotonic count, read by the console and exported as a metric.
    final class Count: Sendable {
        private let value = Atomic<Int>(0)
        private let metric: Counter

        init(metric label: String) {
            metric = Counter(label: label)
        }

        func increment() {
            value.add(1, ordering: .relaxed)
            metric.increment()
        }

        func load() -> Int { value.load(ordering: .relaxed) }
    }

    let slowClientsDropped = Count(metric: "reverb_dropped_slow_clients_total")
    let handshakeTimeouts = Count(metric: "reverb_handshake_timeouts_total")
    let idleTimeouts = Count(metric: "reverb_http_idle_timeouts_total")
    let acceptPauses = Count(metric: "reverb_accept_pauses_total")
    let protocolErrors = Count(metric: "reverb_protocol_errors_total")

    var counters: ProtectionCounters {
        var counters = ProtectionCounters()
        counters.slowClientsDropped = slowClientsDropped.load()
        counters.handshakeTimeouts = handshakeTimeouts.load()
        counters.idleTimeouts = idleTimeouts.load()
        counters.acceptPauses = acceptPauses.load()
        counters.protocolErrors = protocolErrors.load()
        return counters
    }
}
