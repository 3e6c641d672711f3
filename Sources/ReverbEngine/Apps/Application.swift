/// One Pusher app: its credentials and the limits its connections live under (`config/reverb.php`'s `apps`).
public struct Application: Sendable, Hashable {
    /// Who may send client events (`client-*`), Reverb's `accept_client_events_from`.
    public enum ClientEventPolicy: String, Sendable, Hashable, CaseIterable {
        /// Only connections subscribed to the channel (Reverb's default since 1.8).
        case members
        /// Any connection of the app.
        case all
        /// Nobody: every client event is answered with 4301.
        case none
    }

    /// Per-connection inbound message limit, Reverb's `rate_limiting`.
    public struct RateLimit: Sendable, Hashable {
        public var maxAttempts: Int
        public var decaySeconds: Int
        public var terminateOnLimit: Bool

        public init(maxAttempts: Int = 60, decaySeconds: Int = 60, terminateOnLimit: Bool = false) {
            self.maxAttempts = maxAttempts
            self.decaySeconds = decaySeconds
            self.terminateOnLimit = terminateOnLimit
        }
    }

    public var id: String
    public var key: String
    public var secret: String
    /// Host patterns with `*` wildcards; `*` alone allows every origin.
    public var allowedOrigins: [String]
    /// Seconds of silence after which the server pings a connection.
    public var pingInterval: Int
    /// Seconds advertised to clients in `connection_established`; the client pings after that much silence.
    public var activityTimeout: Int
    /// Largest inbound WebSocket message in bytes; larger ones close the socket with 1009.
    public var maxMessageSize: Int
    /// Open sockets allowed at once; nil for no limit.
    public var maxConnections: Int?
    public var acceptClientEventsFrom: ClientEventPolicy
    /// nil when rate limiting is off.
    public var rateLimit: RateLimit?
    /// Seconds a socket may stay open without `pusher:signin`; nil lets unsigned sockets stay (docs/users.md).
    public var userAuthenticationTimeout: Int? = nil
    /// Whether subscribers of non-presence channels hear `pusher_internal:subscription_count`.
    public var subscriptionCount = false
    /// Where this app's webhooks go (docs/webhooks.md); empty sends none.
    public var webhooks: [WebhookEndpoint] = []

    public init(
        id: String, key: String, secret: String, allowedOrigins: [String] = ["*"], pingInterval: Int = 60,
        activityTimeout: Int = 30, maxMessageSize: Int = 10_000, maxConnections: Int? = nil,
        acceptClientEventsFrom: ClientEventPolicy = .members, rateLimit: RateLimit? = nil
    ) {
        self.id = id
        self.key = key
        self.secret = secret
        self.allowedOrigins = allowedOrigins
        self.pingInterval = pingInterval
        self.activityTimeout = activityTimeout
        self.maxMessageSize = maxMessageSize
        self.maxConnections = maxConnections
        self.acceptClientEventsFrom = acceptClientEventsFrom
        self.rateLimit = rateLimit
    }

    /// The development app served when nothing else is configured.
    public static let development = Application(id: "100001", key: "reverb-tui-key", secret: "reverb-tui-secret")
}
