/// Where the engine hands events to the webhook dispatcher; nothing is built for apps without webhooks.
extension Engine {
    func webhook(_ type: WebhookEventType, app: Application, channel: String, userID: JSONValue? = nil) {
        guard !app.webhooks.isEmpty else { return }
        webhooks.record(
            WebhookEvent(type: type, channel: channel, userID: userID.flatMap(PresenceRoster.key)), app: app)
    }

    /// `client_event`: the data as a string (JSON text when the client sent an object), the sender's socket, and
    /// its presence user id.
    func clientEventWebhook(
        _ event: String, channel: String, data: JSONValue?, from handle: ConnectionHandle, userID: JSONValue?
    ) {
        guard !handle.app.webhooks.isEmpty else { return }
        let text =
            switch data {
            case .string(let text)?: text
            case let value?: value.jsonText
            case nil: "null"
            }
        webhooks.record(
            WebhookEvent(
                type: .clientEvent, channel: channel, userID: userID.flatMap(PresenceRoster.key), event: event,
                data: text, socketID: handle.socketID),
            app: handle.app)
    }
}
