import BenchCore
import Synchronization

/// What one client socket does after its WebSocket handshake.
enum SocketRole: Sendable {
    /// Records the latency of every measured message (fan-out and many-channel scenarios).
    case subscriber
    /// Answers every `client-ping` with a `client-pong` carrying the same marks.
    case echo
    /// Measures `client-pong` round trips and sends the next ping itself, so the loop needs no task.
    case roundTripOrigin
    /// Records `member_added` and `member_removed` of a presence channel.
    case presenceObserver
    /// Only holds the connection (connect scenario, presence churn members).
    case idle
}

/// Everything a socket needs to open and subscribe on its own.
struct SocketPlan: Sendable {
    var index: Int
    var target: Target
    /// Channel to subscribe right after `connection_established`, if any.
    var channel: String?
    /// Presence `channel_data` for that subscribe.
    var channelData: String?
    var role: SocketRole
}

/// Where and as which app the tool connects.
struct Target: Sendable {
    var host: String
    var port: Int
    var appID: String
    var key: String
    var secret: String

    var description: String { "\(self.host):\(self.port)" }

    /// The bytes of the WebSocket upgrade request for `/app/{key}`.
    var upgradeRequest: String {
        "GET /app/\(self.key)?protocol=7&client=pusher-bench&version=1.0&flash=false HTTP/1.1\r\n"
            + "Host: \(self.host):\(self.port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: cmV2ZXJiLWJlbmNoLWtleQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// The text of a `pusher:subscribe`, with `auth` for private and presence channels.
    func subscribeMessage(channel: String, socketID: String, channelData: String?) -> String {
        var data: [(String, JSONValue)] = [("channel", .string(channel))]
        if channel.hasPrefix("private") || channel.hasPrefix("presence") {
            let auth = PusherSigning.channelAuth(
                socketID: socketID,
                channel: channel,
                channelData: channelData,
                key: self.key,
                secret: self.secret
            )
            data.append(("auth", .string(auth)))
        }
        if let channelData { data.append(("channel_data", .string(channelData))) }
        return JSONValue.object([("event", .string("pusher:subscribe")), ("data", .object(data))]).rendered
    }

    static func unsubscribeMessage(channel: String) -> String {
        JSONValue.object([
            ("event", .string("pusher:unsubscribe")), ("data", .object([("channel", .string(channel))])),
        ]).rendered
    }
}
