/// What one client may hold or create: timeouts for HTTP connections that have not become WebSockets, and caps
/// on subscriptions and channels. Config file keys under `server`, environment variables in parentheses.
public struct ServerLimits: Sendable, Hashable {
    /// Seconds a new TCP connection has to send a whole HTTP request (or WebSocket upgrade) before it is closed
    /// (`handshake_timeout`, `REVERB_HANDSHAKE_TIMEOUT`).
    public var handshakeTimeout: Int
    /// Seconds a kept-alive HTTP API connection may sit between requests before it is closed
    /// (`http_idle_timeout`, `REVERB_HTTP_IDLE_TIMEOUT`).
    public var httpIdleTimeout: Int
    /// Channels one socket may be subscribed to at once (`max_subscriptions_per_connection`,
    /// `REVERB_MAX_SUBSCRIPTIONS_PER_CONNECTION`); Pusher allows 100.
    public var maxSubscriptionsPerConnection: Int
    /// Occupied channels one app may have at once (`max_channels_per_app`, `REVERB_MAX_CHANNELS_PER_APP`).
    public var maxChannelsPerApp: Int

    /// Largest presence `user_info`, in bytes of JSON, as Pusher limits it.
    public static let maxUserInfoBytes = 1024

    public init(
        handshakeTimeout: Int = 10, httpIdleTimeout: Int = 30, maxSubscriptionsPerConnection: Int = 100,
        maxChannelsPerApp: Int = 100_000
    ) {
        self.handshakeTimeout = handshakeTimeout
        self.httpIdleTimeout = httpIdleTimeout
        self.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
        self.maxChannelsPerApp = maxChannelsPerApp
    }

    /// Config file keys (under `server`) and their setters.
    static let fileKeys: [(key: String, set: @Sendable (inout ServerLimits, Int) -> Void)] = [
        ("handshake_timeout", { $0.handshakeTimeout = $1 }),
        ("http_idle_timeout", { $0.httpIdleTimeout = $1 }),
        ("max_subscriptions_per_connection", { $0.maxSubscriptionsPerConnection = $1 }),
        ("max_channels_per_app", { $0.maxChannelsPerApp = $1 }),
    ]

    /// The environment variable of each file key.
    static func environmentName(of key: String) -> String { "REVERB_" + key.uppercased() }
}

extension ServerLimits {
    /// `REVERB_HANDSHAKE_TIMEOUT` and the other variables of the limits, for `EnvironmentKeys.all`.
    static var environmentKeys: [(name: String, apply: EnvironmentKeys.Apply)] {
        fileKeys.map { entry in
            let set = entry.set
            let apply: EnvironmentKeys.Apply = { @Sendable v, c, _ throws(ConfigurationError) in
                set(&c.limits, try v.integer(minimum: 1))
            }
            return (environmentName(of: entry.key), apply)
        }
    }
}
