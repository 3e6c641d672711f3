import ReverbEngine

/// A channel together with the app it belongs to (channel names are only unique within an app).
public struct ScopedChannel: Hashable, Sendable {
    public var appID: String
    public var channel: ChannelSnapshot
    /// Subscribers on this node while `channel` carries cluster-wide counts (0: only other nodes have it); nil
    /// when the console shows this node alone.
    public var here: Int?

    public init(appID: String, channel: ChannelSnapshot, here: Int? = nil) {
        self.appID = appID
        self.channel = channel
        self.here = here
    }
}
