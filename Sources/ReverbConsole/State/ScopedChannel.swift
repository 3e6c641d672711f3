import ReverbEngine

/// A channel together with the app it belongs to (channel names are only unique within an app).
public struct ScopedChannel: Hashable, Sendable {
    public var appID: String
    public var channel: ChannelSnapshot

    public init(appID: String, channel: ChannelSnapshot) {
        self.appID = appID
        self.channel = channel
    }
}
