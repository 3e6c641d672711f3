import NIOCore

/// Keep-alive of one socket, subscribed or not (docs/protocol.md, Keep-alive): silent for `pingInterval` → ping;
/// still silent `pongTimeout` after the ping → prune with 4201. Pure: time comes in as an argument.
struct KeepAlive: Sendable {
    enum Action: Sendable, Equatable {
        case none
        /// Ping with a WebSocket ping frame when the client ever used control frames, else `pusher:ping`.
        case ping(useControlFrame: Bool)
        case prune
    }

    let pingInterval: TimeAmount
    let pongTimeout: TimeAmount
    private(set) var lastSeen: NIODeadline
    private(set) var pingSentAt: NIODeadline?
    private(set) var usesControlFrames = false

    init(pingInterval: TimeAmount, pongTimeout: TimeAmount, now: NIODeadline) {
        self.pingInterval = pingInterval
        self.pongTimeout = pongTimeout
        self.lastSeen = now
    }

    /// Any inbound message or control frame proves the client is alive.
    mutating func touch(now: NIODeadline) {
        lastSeen = now
        pingSentAt = nil
    }

    mutating func controlFrameReceived(now: NIODeadline) {
        usesControlFrames = true
        touch(now: now)
    }

    mutating func tick(now: NIODeadline) -> Action {
        if let pingSentAt {
            return now >= pingSentAt + pongTimeout ? .prune : .none
        }
        guard now >= lastSeen + pingInterval else { return .none }
        pingSentAt = now
        return .ping(useControlFrame: usesControlFrames)
    }

    /// Whether a ping went out and nothing has been heard since.
    var awaitsPong: Bool { pingSentAt != nil }

    /// When `tick` next has something to do.
    var nextCheck: NIODeadline {
        if let pingSentAt { return pingSentAt + pongTimeout }
        return lastSeen + pingInterval
    }
}
