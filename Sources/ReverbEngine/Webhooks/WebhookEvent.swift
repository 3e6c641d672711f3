/// One webhook event in Pusher's shape: `name`, `channel`, then the fields its kind carries.
public struct WebhookEvent: Sendable, Hashable {
    public var type: WebhookEventType
    public var channel: String
    /// `member_added`, `member_removed`, and `client_event` on presence channels.
    public var userID: String?
    /// `client_event` only: the event name, its `data` as a string, and the sender's socket.
    public var event: String?
    public var data: String?
    public var socketID: String?
    /// `subscription_count` only.
    public var subscriptionCount: Int?

    public init(
        type: WebhookEventType, channel: String, userID: String? = nil, event: String? = nil, data: String? = nil,
        socketID: String? = nil, subscriptionCount: Int? = nil
    ) {
        self.type = type
        self.channel = channel
        self.userID = userID
        self.event = event
        self.data = data
        self.socketID = socketID
        self.subscriptionCount = subscriptionCount
    }

    /// The element of the body's `events` array, members in Pusher's documented order.
    package var json: JSONValue {
        var members = [JSONMember("name", .string(type.rawValue)), JSONMember("channel", .string(channel))]
        switch type {
        case .clientEvent:
            members.append(JSONMember("event", .string(event ?? "")))
            members.append(JSONMember("data", .string(data ?? "")))
            members.append(JSONMember("socket_id", .string(socketID ?? "")))
            if let userID { members.append(JSONMember("user_id", .string(userID))) }
        case .memberAdded, .memberRemoved:
            members.append(JSONMember("user_id", .string(userID ?? "")))
        case .subscriptionCount:
            members.append(JSONMember("subscription_count", .number(String(subscriptionCount ?? 0))))
        case .channelOccupied, .channelVacated, .cacheMiss:
            break
        }
        return .object(members)
    }
}
