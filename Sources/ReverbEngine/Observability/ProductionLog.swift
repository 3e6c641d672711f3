import Logging

/// The log records a production deployment ships (docs/logging.md): one per connection error, rejected request
/// and TLS failure, each with an `event` name and flat metadata a log shipper can index. Logged at `notice`, so
/// the default human-readable output (level `warning`) stays as quiet as Reverb's; `--log-format json` shows them.
package enum ProductionLog {
    /// A socket got a non-fatal `pusher:error` (bad auth, rate limit, malformed message); it stays open.
    static func rejectedMessage(
        _ handle: ConnectionHandle, _ error: PusherError, channel: String?, event: String?, logger: Logger
    ) {
        guard logger.logLevel <= .notice else { return }
        var metadata: Logger.Metadata = [
            "event": "message_rejected", "app_id": "\(handle.app.id)", "socket_id": "\(handle.socketID)",
            "code": "\(error.code)", "reason": "\(error.message)",
        ]
        if let channel { metadata["channel"] = "\(channel)" }
        if let event { metadata["pusher_event"] = "\(event)" }
        logger.notice("Message rejected", metadata: metadata)
    }

    /// A socket was closed by the server with a Pusher error code (pong timeout, kick, rate limit, terminate).
    static func connectionFailed(_ handle: ConnectionHandle, _ error: PusherError, logger: Logger) {
        guard logger.logLevel <= .notice else { return }
        logger.notice(
            "Connection closed with an error",
            metadata: [
                "event": "connection_error", "app_id": "\(handle.app.id)", "socket_id": "\(handle.socketID)",
                "code": "\(error.code)", "reason": "\(error.message)",
            ])
    }

    /// A WebSocket was turned away before it was registered (unknown key, quota, origin).
    static func connectionRefused(appID: String?, _ error: PusherError, origin: String?, logger: Logger) {
        guard logger.logLevel <= .notice else { return }
        var metadata: Logger.Metadata = [
            "event": "connection_refused", "code": "\(error.code)", "reason": "\(error.message)",
        ]
        if let appID { metadata["app_id"] = "\(appID)" }
        if let origin { metadata["origin"] = "\(origin)" }
        logger.notice("Connection refused", metadata: metadata)
    }

    /// A socket broke the WebSocket protocol (1002, 1007, 1009) or failed at the transport level.
    /// `reason` is only built when the line is logged: describing an error (a reset connection, on every abrupt
    /// close) goes through reflection and cost 36k instructions.
    static func protocolError(
        appID: String?, socketID: String?, code: Int, reason: @autoclosure () -> String, logger: Logger
    ) {
        guard logger.logLevel <= .notice else { return }
        var metadata: Logger.Metadata = ["event": "connection_error", "code": "\(code)", "reason": "\(reason())"]
        if let appID { metadata["app_id"] = "\(appID)" }
        if let socketID { metadata["socket_id"] = "\(socketID)" }
        logger.notice("Connection error", metadata: metadata)
    }

    /// A socket that did not read its messages was dropped.
    static func slowClientDropped(_ handle: ConnectionHandle, logger: Logger) {
        guard logger.logLevel <= .notice else { return }
        logger.notice(
            "Slow client dropped",
            metadata: [
                "event": "connection_error", "app_id": "\(handle.app.id)", "socket_id": "\(handle.socketID)",
                "code": "4100", "reason": "Client is not reading its messages",
            ])
    }

    /// An HTTP request was answered with a 4xx or 5xx status.
    static func requestRejected(method: String, path: String, route: String, status: Int, logger: Logger) {
        let level: Logger.Level = status >= 500 ? .error : .notice
        guard logger.logLevel <= level else { return }
        logger.log(
            level: level, "Request rejected",
            metadata: [
                "event": "request_rejected", "method": "\(method)", "path": "\(path)", "route": "\(route)",
                "status": "\(status)",
            ])
    }

    /// A TLS handshake failed; the peer never reached HTTP.
    static func handshakeFailed(peer: String, reason: String, logger: Logger) {
        guard logger.logLevel <= .notice else { return }
        logger.notice(
            "TLS handshake failed",
            metadata: ["event": "tls_handshake_failed", "peer": "\(peer)", "reason": "\(reason)"])
    }

    /// The scaling layer's connection to Redis changed state (`connected`, `disconnected`, `reconnecting`,
    /// `error`). The hook the scaling code calls, so every Redis event is one structured line.
    package static func redisEvent(_ state: String, role: String, detail: String? = nil, logger: Logger) {
        let level: Logger.Level = state == "connected" ? .notice : .warning
        var metadata: Logger.Metadata = ["event": "redis_\(state)", "role": "\(role)"]
        if let detail { metadata["reason"] = "\(detail)" }
        logger.log(level: level, "Redis \(state)", metadata: metadata)
    }
}
