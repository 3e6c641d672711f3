/// The settings a `REVERB_*` variable (from the process environment or a `.env`) can carry: one table.
/// App variables describe the first app, as in Laravel's `config/reverb.php`.
enum EnvironmentKeys {
    /// Fields of the first app that variables may set; nil where no variable gave one.
    struct AppFields {
        var id: String?
        var key: String?
        var secret: String?
        var allowedOrigins: [String]?
        var pingInterval: Int?
        var activityTimeout: Int?
        var maxMessageSize: Int?
        var maxConnections: Int??
        var acceptClientEventsFrom: Application.ClientEventPolicy?
        var rateLimitingEnabled: Bool?
        var rateLimitMaxAttempts: Int?
        var rateLimitDecaySeconds: Int?
        var rateLimitTerminate: Bool?

        var isEmpty: Bool {
            id == nil && key == nil && secret == nil && allowedOrigins == nil && pingInterval == nil
                && activityTimeout == nil && maxMessageSize == nil && maxConnections == nil
                && acceptClientEventsFrom == nil && rateLimitingEnabled == nil && rateLimitMaxAttempts == nil
                && rateLimitDecaySeconds == nil && rateLimitTerminate == nil
        }

        func applied(to app: Application) -> Application {
            var app = app
            if let id { app.id = id }
            if let key { app.key = key }
            if let secret { app.secret = secret }
            if let allowedOrigins { app.allowedOrigins = allowedOrigins }
            if let pingInterval { app.pingInterval = pingInterval }
            if let activityTimeout { app.activityTimeout = activityTimeout }
            if let maxMessageSize { app.maxMessageSize = maxMessageSize }
            if let maxConnections { app.maxConnections = maxConnections }
            if let acceptClientEventsFrom { app.acceptClientEventsFrom = acceptClientEventsFrom }
            if rateLimitingEnabled == false { app.rateLimit = nil }
            if rateLimitingEnabled == true || (app.rateLimit != nil && rateLimitingEnabled == nil) {
                var limit = app.rateLimit ?? Application.RateLimit()
                if let rateLimitMaxAttempts { limit.maxAttempts = rateLimitMaxAttempts }
                if let rateLimitDecaySeconds { limit.decaySeconds = rateLimitDecaySeconds }
                if let rateLimitTerminate { limit.terminateOnLimit = rateLimitTerminate }
                app.rateLimit = limit
            }
            return app
        }
    }

    typealias Apply =
        @Sendable (ConfigurationValue, inout ServerConfiguration, inout AppFields) throws(ConfigurationError) -> Void

    /// Every variable we read, in the order the README documents them.
    static let all: [(name: String, apply: Apply)] = [
        ("REVERB_SERVER_HOST", { v, c, _ throws(ConfigurationError) in c.host = try v.nonEmpty() }),
        ("REVERB_SERVER_PORT", { v, c, _ throws(ConfigurationError) in c.port = try v.port() }),
        ("REVERB_SERVER_PATH", { v, c, _ in c.path = v.text }),
        ("REVERB_HOST", { v, c, _ in c.hostname = v.text.isEmpty ? nil : v.text }),
        (
            "REVERB_MAX_REQUEST_SIZE",
            { v, c, _ throws(ConfigurationError) in c.maxRequestSize = try v.integer(minimum: 1) }
        ),
        ("REVERB_PONG_TIMEOUT", { v, c, _ throws(ConfigurationError) in c.pongTimeout = try v.integer(minimum: 1) }),
        (
            "REVERB_SLOW_CLIENT_TIMEOUT",
            { v, c, _ throws(ConfigurationError) in c.slowClientTimeout = try v.integer(minimum: 1) }
        ),
        (
            "REVERB_WRITE_BUFFER_LIMIT",
            { v, c, _ throws(ConfigurationError) in c.writeBufferLimit = try v.integer(minimum: 65_536) }
        ),
        (
            "REVERB_API_TIMESTAMP_WINDOW",
            { v, c, _ throws(ConfigurationError) in c.apiTimestampWindow = try v.integer(minimum: 0) }
        ),
        ("REVERB_ALLOW_ATTACH", { v, c, _ throws(ConfigurationError) in c.allowAttach = try v.boolean() }),
        ("REVERB_TLS_CERT", { v, c, _ in c.tls = tlsFiles(c.tls, certificate: v.text) }),
        ("REVERB_TLS_KEY", { v, c, _ in c.tls = tlsFiles(c.tls, key: v.text) }),
        ("REVERB_METRICS_PORT", { v, c, _ throws(ConfigurationError) in c.metricsPort = try v.optionalPort() }),
        ("REVERB_METRICS_HOST", { v, c, _ in c.metricsHost = v.text.isEmpty ? nil : v.text }),
        ("REVERB_TLS_PASSPHRASE", { v, c, _ in c.tls = tlsFiles(c.tls, passphrase: v.text) }),
        ("REVERB_APP_ID", { v, _, a throws(ConfigurationError) in a.id = try v.nonEmpty() }),
        ("REVERB_APP_KEY", { v, _, a throws(ConfigurationError) in a.key = try v.nonEmpty() }),
        ("REVERB_APP_SECRET", { v, _, a throws(ConfigurationError) in a.secret = try v.nonEmpty() }),
        ("REVERB_APP_ALLOWED_ORIGINS", { v, _, a in a.allowedOrigins = v.list() }),
        (
            "REVERB_APP_PING_INTERVAL",
            { v, _, a throws(ConfigurationError) in a.pingInterval = try v.integer(minimum: 1) }
        ),
        (
            "REVERB_APP_ACTIVITY_TIMEOUT",
            { v, _, a throws(ConfigurationError) in a.activityTimeout = try v.integer(minimum: 1) }
        ),
        (
            "REVERB_APP_MAX_MESSAGE_SIZE",
            { v, _, a throws(ConfigurationError) in a.maxMessageSize = try v.integer(minimum: 1) }
        ),
        (
            "REVERB_APP_MAX_CONNECTIONS",
            { v, _, a throws(ConfigurationError) in a.maxConnections = .some(try v.optionalLimit()) }
        ),
        (
            "REVERB_APP_ACCEPT_CLIENT_EVENTS_FROM",
            { v, _, a throws(ConfigurationError) in a.acceptClientEventsFrom = try v.clientEventPolicy() }
        ),
        (
            "REVERB_APP_RATE_LIMITING_ENABLED",
            { v, _, a throws(ConfigurationError) in a.rateLimitingEnabled = try v.boolean() }
        ),
        (
            "REVERB_APP_RATE_LIMIT_MAX_ATTEMPTS",
            { v, _, a throws(ConfigurationError) in a.rateLimitMaxAttempts = try v.integer(minimum: 1) }
        ),
        (
            "REVERB_APP_RATE_LIMIT_DECAY_SECONDS",
            { v, _, a throws(ConfigurationError) in a.rateLimitDecaySeconds = try v.integer(minimum: 1) }
        ),
        (
            "REVERB_APP_RATE_LIMIT_TERMINATE",
            { v, _, a throws(ConfigurationError) in a.rateLimitTerminate = try v.boolean() }
        ),
    ]

    private static func tlsFiles(
        _ current: ServerConfiguration.TLSFiles?, certificate: String? = nil, key: String? = nil,
        passphrase: String? = nil
    ) -> ServerConfiguration.TLSFiles {
        var files = current ?? ServerConfiguration.TLSFiles(certificateChainPath: "", privateKeyPath: "")
        if let certificate { files.certificateChainPath = certificate }
        if let key { files.privateKeyPath = key }
        if let passphrase { files.passphrase = passphrase.isEmpty ? nil : passphrase }
        return files
    }
}
