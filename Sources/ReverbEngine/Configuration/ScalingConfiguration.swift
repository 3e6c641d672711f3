import Foundation

/// Horizontal scaling over Redis (`REVERB_SCALING_*`, `REDIS_*`): every node points at one Redis and the
/// nodes behave as one server (docs/architecture.md, "Cluster").
public struct ScalingConfiguration: Sendable, Hashable {
    /// `REVERB_SCALING_ENABLED`.
    public var enabled: Bool
    /// `REVERB_SCALING_CHANNEL`: the pub/sub channel, and the prefix of every key the cluster keeps in Redis.
    public var channel: String
    /// Events for other nodes held while Redis is away (`REVERB_SCALING_QUEUE`); when full the API answers 503.
    public var queueCapacity: Int = 10_000
    /// The Redis endpoint; `url` (when set) is merged over it by `resolved()`.
    public var redis: RedisEndpoint
    /// `REDIS_URL` as given (it may hold a password: never print it).
    public var url: String?
    /// Where `url` came from, for the error line.
    public var urlSource = "REDIS_URL"

    public init(enabled: Bool = false, channel: String = "reverb", redis: RedisEndpoint = RedisEndpoint()) {
        self.enabled = enabled
        self.channel = channel
        self.redis = redis
    }

    /// `redis` with `url` merged over it; a URL that is not a Redis URL stops start-up.
    func resolved() throws(ConfigurationError) -> ScalingConfiguration {
        guard let url else { return self }
        guard let merged = redis.merging(url: url) else {
            // The user-info part may hold a password: it never reaches the terminal.
            let shown = url.replacingOccurrences(of: "://[^@/]*@", with: "://***@", options: .regularExpression)
            throw ConfigurationError(
                source: urlSource, key: "REDIS_URL", value: shown,
                expected: "redis://[user[:password]@]host[:port][/database] or rediss://…")
        }
        var copy = self
        copy.redis = merged
        copy.url = nil
        return copy
    }

    /// `on, redis://127.0.0.1:6379` or `off`, for the banner (never the password).
    public var summary: String { enabled ? "on, \(redis.displayAddress), channel \(channel)" : "off" }
}

/// Where Redis is and how to log in, after `REDIS_URL` (when given) has been merged over the separate keys.
public struct RedisEndpoint: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int
    /// Seconds one connection attempt may take (`REDIS_TIMEOUT`). Never fatal: a node keeps retrying.
    public var timeout: Int
    /// `rediss://`: TLS to Redis.
    public var tls: Bool
    /// PEM file of the CA that signed Redis's certificate (`REDIS_TLS_CA_FILE`); nil trusts the system's roots.
    public var caFile: String?

    public init(
        host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil,
        database: Int = 0, timeout: Int = 60, tls: Bool = false, caFile: String? = nil
    ) {
        self.caFile = caFile
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.timeout = timeout
        self.tls = tls
    }

    /// `redis://host:port` (with `/db` when not 0), user name shown, password never.
    public var displayAddress: String {
        let user = username.map { "\($0)@" } ?? ""
        let db = database == 0 ? "" : "/\(database)"
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "\(tls ? "rediss" : "redis")://\(user)\(host):\(port)\(db)"
    }

    /// Merges a `redis://[user[:password]@]host[:port][/db][?username=&password=&database=]` (or `rediss://`,
    /// `tls://`) URL over this endpoint, the way Laravel's URL parser does: what the URL names wins.
    public func merging(url text: String) -> RedisEndpoint? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["redis", "rediss", "tls"].contains(scheme)
        else { return nil }
        var endpoint = self
        endpoint.tls = scheme != "redis"
        if let host = components.host, !host.isEmpty { endpoint.host = host }
        if let port = components.port {
            guard (1...65_535).contains(port) else { return nil }
            endpoint.port = port
        }
        if let user = components.user, !user.isEmpty { endpoint.username = user.removingPercentEncoding ?? user }
        if let password = components.password, !password.isEmpty {
            endpoint.password = password.removingPercentEncoding ?? password
        }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !path.isEmpty {
            guard let database = Int(path), database >= 0 else { return nil }
            endpoint.database = database
        }
        for item in components.queryItems ?? [] {
            guard let value = item.value, !value.isEmpty else { continue }
            switch item.name {
            case "username": endpoint.username = value
            case "password": endpoint.password = value
            case "db", "database":
                guard let database = Int(value), database >= 0 else { return nil }
                endpoint.database = database
            default: break
            }
        }
        return endpoint
    }
}
