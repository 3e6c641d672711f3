/// A message a client sent over the socket, validated (Reverb's rules: docs/protocol.md, Wire compatibility).
package enum ClientMessage: Sendable, Hashable {
    case subscribe(channel: String, auth: String?, channelData: String?)
    case unsubscribe(channel: String)
    case ping
    case pong
    /// `pusher:signin`: `auth` and the `user_data` JSON text exactly as signed (docs/users.md).
    case signin(auth: String, userData: String)
    /// A `client-*` event: `data` as sent, a JSON-encoded object or array decoded in place.
    case clientEvent(event: String, channel: String, data: JSONValue?)
    /// Any other event with a channel: accepted and ignored, as Reverb does.
    case ignored(event: String)

    /// The event name, for logs and the console.
    package var eventName: String {
        switch self {
        case .subscribe: "pusher:subscribe"
        case .unsubscribe: "pusher:unsubscribe"
        case .ping: "pusher:ping"
        case .pong: "pusher:pong"
        case .signin: "pusher:signin"
        case .clientEvent(let event, _, _), .ignored(let event): event
        }
    }

    /// Decodes one text message; anything malformed is `PusherError.invalidMessageFormat` (4200).
    package static func decode(_ text: String) throws(PusherError) -> ClientMessage {
        guard let document = try? JSONParser.parse(text), case .object = document,
            case .string(let event)? = document["event"]
        else { throw .invalidMessageFormat }
        let data = decodedData(document["data"])

        switch event {
        case "pusher:subscribe":
            guard let data, case .string(let channel)? = data["channel"] else { throw .invalidMessageFormat }
            let auth: String?
            switch data["auth"] {
            case nil, .null?: auth = nil
            case .string(let text)?: auth = text
            default: throw .invalidMessageFormat
            }
            let channelData: String?
            switch data["channel_data"] {
            case nil, .null?: channelData = nil
            case .string(let text)?:
                guard (try? JSONParser.parse(text)) != nil else { throw .invalidMessageFormat }
                channelData = text
            default: throw .invalidMessageFormat
            }
            return .subscribe(channel: channel, auth: auth, channelData: channelData)
        case "pusher:unsubscribe":
            guard let data, case .string(let channel)? = data["channel"] else { throw .invalidMessageFormat }
            return .unsubscribe(channel: channel)
        case "pusher:ping":
            return .ping
        case "pusher:pong":
            return .pong
        case "pusher:signin":
            guard case .string(let auth)? = data?["auth"], case .string(let userData)? = data?["user_data"] else {
                throw .invalidMessageFormat
            }
            return .signin(auth: auth, userData: userData)
        default:
            if event.hasPrefix("pusher:") { throw .invalidMessageFormat }
            guard case .string(let channel)? = document["channel"] else { throw .invalidMessageFormat }
            guard event.hasPrefix("client-") else { return .ignored(event: event) }
            return .clientEvent(event: event, channel: channel, data: data)
        }
    }

    /// `data` may arrive as an object or as a JSON string holding one (pusher-java does that, Reverb #352).
    private static func decodedData(_ data: JSONValue?) -> JSONValue? {
        guard case .string(let text)? = data, let inner = try? JSONParser.parse(text) else { return data }
        switch inner {
        case .object, .array: return inner
        default: return data
        }
    }
}
