/// The close codes offered when kicking a connection (Pusher's 4000–4299 ranges decide what the client does).
public struct KickCode: Hashable, Sendable {
    public var code: Int
    public var meaning: String

    /// 4200: the client reconnects at once; 4009: unauthorized, it does not reconnect; 4201: pong not received.
    public static let choices: [KickCode] = [
        KickCode(code: 4200, meaning: "generic reconnect"),
        KickCode(code: 4009, meaning: "unauthorized: no reconnect"),
        KickCode(code: 4201, meaning: "pong reply not received"),
    ]
}
