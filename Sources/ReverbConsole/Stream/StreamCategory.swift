import ReverbEngine

/// The groups of engine events the stream colours and toggles together (Pusher's debug console
/// has one checkbox per log type).
public enum StreamCategory: String, CaseIterable, Hashable, Sendable {
    case connection
    case subscription
    case occupancy
    case member
    case api
    case client
    case message
    case error
    case ping
    /// Sign-ins, sign-outs and watchlist events.
    case user
    /// Webhook requests.
    case webhook

    /// The category of an engine event kind.
    public init(_ kind: EngineEvent.Kind) {
        switch kind {
        case .connectionOpened, .connectionClosed, .cluster: self = .connection
        case .subscribed, .unsubscribed: self = .subscription
        case .channelOccupied, .channelVacated: self = .occupancy
        case .memberAdded, .memberRemoved: self = .member
        case .apiMessage: self = .api
        case .clientEvent: self = .client
        case .messageReceived, .messageSent: self = .message
        case .error: self = .error
        case .ping, .prune: self = .ping
        case .signin, .watchlist: self = .user
        case .webhook: self = .webhook
        }
    }

    /// The role that colours rows of this category.
    public var role: Role {
        switch self {
        case .connection: .eventConnection
        case .subscription: .eventSubscription
        case .occupancy: .eventChannel
        case .member: .eventMember
        case .api: .eventAPI
        case .client: .eventClient
        case .message: .eventMessage
        case .error: .eventError
        case .ping: .eventPing
        case .user: .eventMember
        case .webhook: .eventAPI
        }
    }
}
