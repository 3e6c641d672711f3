/// An event to deliver to channels, from the HTTP API or the console.
public struct PublishRequest: Sendable, Hashable {
    public var appID: String
    public var channels: [String]
    public var event: String
    /// The event's `data`, passed to clients as this exact string.
    public var data: String
    /// A socket that must not receive it (the sender, for `toOthers()`).
    public var excludingSocketID: String?

    public init(appID: String, channels: [String], event: String, data: String, excludingSocketID: String? = nil) {
        self.appID = appID
        self.channels = channels
        self.event = event
        self.data = data
        self.excludingSocketID = excludingSocketID
    }
}
