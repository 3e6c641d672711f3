/// Everything the server needs to start: where to listen, limits, TLS, and the apps it serves.
public struct ServerConfiguration: Sendable, Hashable {
    /// Certificate and key files for serving `wss://` and `https://` directly.
    public struct TLSFiles: Sendable, Hashable {
        public var certificateChainPath: String
        public var privateKeyPath: String
        public var passphrase: String?

        public init(certificateChainPath: String, privateKeyPath: String, passphrase: String? = nil) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
            self.passphrase = passphrase
        }
    }

    /// Bind address (`REVERB_SERVER_HOST`).
    public var host: String
    /// Bind port (`REVERB_SERVER_PORT`); 0 picks a free one.
    public var port: Int
    /// Prefix for every route, `/app/{key}` and `/up` included, without slashes (`REVERB_SERVER_PATH`).
    public var path: String
    /// Public host name, shown in the banner (`REVERB_HOST`).
    public var hostname: String?
    /// Largest HTTP request (line, headers and body) in bytes; larger ones get 413.
    public var maxRequestSize: Int
    public var tls: TLSFiles?
    /// Seconds a pinged socket has to answer before it is closed with 4201.
    public var pongTimeout: Int
    /// No longer used: a socket is dropped as soon as its unread output passes `writeBufferLimit`. Still
    /// accepted so existing config files keep working.
    public var slowClientTimeout: Int
    /// Bytes of unread output one socket may have; past it the socket is dropped at once (4100).
    public var writeBufferLimit: Int
    /// Timeouts and caps on what one client may hold.
    public var limits = ServerLimits()
    /// Seconds an API request's `auth_timestamp` may be off from the server clock; 0 disables the check.
    public var apiTimestampWindow: Int
    /// Whether `--debug` traffic lines are printed.
    public var debug: Bool
    /// Horizontal scaling over Redis; off unless `REVERB_SCALING_ENABLED`.
    public var scaling = ScalingConfiguration()
    /// Whether `{prefix}/console` streams the console to `reverb-tui attach` (`--allow-attach`,
    /// `REVERB_ALLOW_ATTACH`); off, the route answers 404. See docs/console.md.
    public var allowAttach = false
    public var apps: [Application]
    /// Port of the Prometheus `GET /metrics` endpoint (`REVERB_METRICS_PORT`); nil turns metrics off.
    public var metricsPort: Int? = nil
    /// Bind address of the metrics endpoint (`REVERB_METRICS_HOST`); nil binds where the server binds.
    public var metricsHost: String? = nil

    public init(
        host: String = "0.0.0.0", port: Int = 8080, path: String = "", hostname: String? = nil,
        maxRequestSize: Int = 10_000, tls: TLSFiles? = nil, pongTimeout: Int = 30, slowClientTimeout: Int = 30,
        writeBufferLimit: Int = 4 << 20, apiTimestampWindow: Int = 600, debug: Bool = false,
        apps: [Application] = [.development]
    ) {
        self.slowClientTimeout = slowClientTimeout
        self.writeBufferLimit = writeBufferLimit
        self.host = host
        self.port = port
        self.path = path
        self.hostname = hostname
        self.maxRequestSize = maxRequestSize
        self.tls = tls
        self.pongTimeout = pongTimeout
        self.apiTimestampWindow = apiTimestampWindow
        self.debug = debug
        self.apps = apps
    }

    /// `path` as a route prefix: empty, or `/ws`.
    public var routePrefix: String {
        let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return trimmed.isEmpty ? "" : "/" + trimmed
    }
}

import Foundation
