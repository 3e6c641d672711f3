/// Why a Redis command did not get a reply.
package enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection right now (Redis down or reconnecting); nothing was sent.
    case notConnected
    /// The connection closed before the reply arrived; the command may or may not have run.
    case connectionClosed
    /// Redis answered with an error reply (`-ERR …`, `-NOAUTH …`).
    case reply(String)
    /// Redis sent bytes that are not RESP.
    case malformed(String)

    package var description: String {
        switch self {
        case .notConnected: "not connected to Redis"
        case .connectionClosed: "the Redis connection closed"
        case .reply(let text): text
        case .malformed(let text): "malformed reply from Redis: \(text)"
        }
    }
}
