import Metrics
import NIOCore
import Synchronization

/// The engine's metrics, emitted through swift-metrics (whatever backend the executable bootstraps; none by
/// default, so every call is a no-op). Every handle is made once, when the engine starts: the hot path only
/// bumps atomics, and a broadcast counts once however many sockets it reaches. Names are docs/metrics.md's.
final class EngineMetrics: Sendable {
    /// The handles of one app, labelled `app_id`.
    final class AppMetrics: Sendable {
        /// Open sockets. A meter moves by +1/-1 under churn, so it stays exact however opens and closes interleave.
        let connections: Meter
        /// Occupied channels.
        let channels: Meter
        /// Users present, counted once per presence channel they are in.
        let presenceUsers: Meter
        let messagesReceived: Counter
        let messagesSent: Counter

        init(appID: String) {
            let dimensions = [("app_id", appID)]
            connections = Meter(label: "reverb_connections", dimensions: dimensions)
            channels = Meter(label: "reverb_channels", dimensions: dimensions)
            presenceUsers = Meter(label: "reverb_presence_users", dimensions: dimensions)
            messagesReceived = Counter(label: "reverb_messages_received_total", dimensions: dimensions)
            messagesSent = Counter(label: "reverb_messages_sent_total", dimensions: dimensions)
        }
    }

    private let apps: [String: AppMetrics]
    /// False without a metrics backend: broadcasts then skip the marker tasks that time them, and answered HTTP
    /// requests are not counted (every handle would be a no-op).
    private let hasBackend: Bool
    /// From an API request's arrival to the last socket write of the event it published.
    let broadcastDuration = Timer(label: "reverb_broadcast_duration_seconds")
    /// TLS handshakes that failed (bad certificate on the client side, plain HTTP on a TLS port, ...).
    let failedHandshakes = Counter(label: "reverb_tls_handshake_failures_total")
    /// Scaling: 1 while the Redis connection is up, 0 otherwise. Set by the scaling layer.
    let redisConnected = Gauge(label: "reverb_redis_connected")
    /// Scaling: envelopes published to and received from Redis. Bumped by the scaling layer.
    let redisPublished = Counter(label: "reverb_redis_messages_published_total")
    let redisReceived = Counter(label: "reverb_redis_messages_received_total")
    /// HTTP responses by route and status; made on first use of each pair, then reused.
    private let httpRequests = Mutex<[HTTPRequestKey: Counter]>([:])

    private struct HTTPRequestKey: Hashable {
        var route: String
        var status: Int
    }

    init(appIDs: [String]) {
        var apps: [String: AppMetrics] = [:]
        for id in appIDs { apps[id] = AppMetrics(appID: id) }
        self.apps = apps
        self.hasBackend = !(MetricsSystem.factory is NOOPMetricsHandler)
    }

    func app(_ id: String) -> AppMetrics? { apps[id] }

    /// False without a metrics backend: `httpRequest` would only look up a counter that does nothing.
    var countsRequests: Bool { hasBackend }

    // The engine's calls, one per thing that happened; each is a dictionary lookup and an atomic add.

    func connectionOpened(appID: String) { apps[appID]?.connections.increment() }
    func redis(connected: Bool) { redisConnected.record(connected ? 1 : 0) }
    func redisEnvelopePublished() { redisPublished.increment() }
    func redisEnvelopeReceived() { redisReceived.increment() }
    func connectionClosed(appID: String) { apps[appID]?.connections.decrement() }
    func channelOccupied(appID: String) { apps[appID]?.channels.increment() }
    func channelVacated(appID: String) { apps[appID]?.channels.decrement() }
    func userJoined(appID: String) { apps[appID]?.presenceUsers.increment() }
    func userLeft(appID: String) { apps[appID]?.presenceUsers.decrement() }
    func received(appID: String) { apps[appID]?.messagesReceived.increment() }
    /// `count` messages written: one call per broadcast, however many sockets it reached.
    func sent(appID: String, count: Int = 1) { apps[appID]?.messagesSent.increment(by: count) }
    func handshakeFailed() { failedHandshakes.increment() }

    /// Counts one answered HTTP request; `route` is a template such as `/apps/{id}/events`.
    func httpRequest(route: String, status: Int) {
        guard hasBackend else { return }
        let key = HTTPRequestKey(route: route, status: status)
        let counter = httpRequests.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(
                label: "reverb_http_requests_total", dimensions: [("route", route), ("status", String(status))])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    /// The Prometheus timer for broadcasts from the HTTP API, when a metrics backend is installed (otherwise
    /// nil, and broadcasts skip the timing).
    var broadcastTimer: Timer? { hasBackend ? broadcastDuration : nil }
}
