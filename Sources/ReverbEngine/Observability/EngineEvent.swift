import Foundation

/// One thing that happened inside the engine, as observers (the console, the `--debug` log) see it.
public struct EngineEvent: Sendable, Hashable, Codable {
    /// What kind of thing happened.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case connectionOpened = "connection"
        case connectionClosed = "disconnection"
        case subscribed = "subscribed"
        case unsubscribed = "unsubscribed"
        case channelOccupied = "occupied"
        case channelVacated = "vacated"
        case memberAdded = "member_added"
        case memberRemoved = "member_removed"
        case messageReceived = "received"
        case messageSent = "sent"
        case apiMessage = "api_message"
        case clientEvent = "client_event"
        case error = "error"
        case ping = "ping"
        case prune = "prune"
        /// A socket signed in or out (`pusher:signin`).
        case signin = "signin"
        /// `pusher_internal:watchlist_events` sent.
        case watchlist = "watchlist"
        /// A webhook request finished (delivered, retrying or given up), or events were dropped.
        case webhook = "webhook"
        /// The cluster's Redis connections and restarts; `event` is the line's title.
        case cluster = "cluster"
    }

    public var kind: Kind
    public var time: Date
    public var appID: String
    public var socketID: String?
    public var channel: String?
    /// The Pusher event name, where there is one (`pusher:subscribe`, `client-typing`, `App\Events\Foo`).
    public var event: String?
    /// The message as JSON text, where there is one.
    public var payload: String?
    /// The Pusher error or close code, for errors and closes.
    public var code: Int?
    /// A short human-readable detail (`delivered to 12`, `Connection is unauthorized`, `user 42`).
    public var detail: String?

    public init(
        kind: Kind, time: Date = Date(), appID: String, socketID: String? = nil, channel: String? = nil,
        event: String? = nil, payload: String? = nil, code: Int? = nil, detail: String? = nil
    ) {
        self.kind = kind
        self.time = time
        self.appID = appID
        self.socketID = socketID
        self.channel = channel
        self.event = event
        self.payload = payload
        self.code = code
        self.detail = detail
    }
}
