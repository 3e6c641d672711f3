/// What a socket may subscribe to, checked before the registry changes: Pusher's channel-name rules, presence
/// `channel_data` that names a user (with `user_info` of at most 1 KB), and the caps of `ServerLimits`.
/// Every refusal is a `pusher:error`; the socket stays open. Codes are listed in docs/architecture.md.
enum SubscriptionRules {
    static func checkName(_ channel: String) throws(PusherError) {
        guard ChannelName.isValid(channel) else { throw .invalidChannelName }
    }

    /// The member a presence subscription adds: the parsed `channel_data` and its `user_id`.
    static func presenceMember(channelData: String?) throws(PusherError) -> (data: JSONValue, userID: JSONValue) {
        guard let channelData, let parsed = try? JSONParser.parse(channelData), case .object = parsed else {
            throw .presenceDataWithoutUser
        }
        guard let userID = parsed["user_id"], PresenceRoster.key(for: userID) != nil else {
            throw .presenceDataWithoutUser
        }
        if let info = parsed["user_info"], info.jsonText.utf8.count > ServerLimits.maxUserInfoBytes {
            throw .userInfoTooLarge
        }
        return (parsed, userID)
    }

    /// The per-socket subscription cap and the per-app channel cap; subscribing again to a channel the socket
    /// already holds is always allowed.
    static func checkCaps(
        _ state: AppState, socketID: String, channel: String, limits: ServerLimits
    ) throws(PusherError) {
        guard state.subscriber(socketID: socketID, channel: channel) == nil else { return }
        if state.subscriptionCount(socketID: socketID) >= limits.maxSubscriptionsPerConnection {
            throw .tooManySubscriptions(limit: limits.maxSubscriptionsPerConnection)
        }
        if state.channel(named: channel) == nil, state.channelCount >= limits.maxChannelsPerApp {
            throw .tooManyChannels(limit: limits.maxChannelsPerApp)
        }
    }
}

extension AppState {
    func subscriptionCount(socketID: String) -> Int { connections[socketID]?.channels.count ?? 0 }
    var channelCount: Int { channels.count }
}

extension PusherError {
    public static let invalidChannelName = PusherError(
        code: 4200, message: "Invalid channel name: 1 to 164 characters of a-z A-Z 0-9 - _ = @ , . ;")
    public static let presenceDataWithoutUser = PusherError(
        code: 4200, message: "Presence channel_data must be a JSON object with a user_id")
    public static let userInfoTooLarge = PusherError(code: 4200, message: "Presence user_info is larger than 1 KB")

    public static func tooManySubscriptions(limit: Int) -> PusherError {
        PusherError(code: 4303, message: "Subscription limit reached: at most \(limit) channels per connection")
    }

    public static func tooManyChannels(limit: Int) -> PusherError {
        PusherError(code: 4304, message: "Channel limit reached: the app has \(limit) channels")
    }
}
