/// The "inject an event" dialog: app, channel, event name and JSON data, validated as typed.
public struct InjectForm: Hashable, Sendable {
    /// The form's fields in `tab` order.
    public enum Field: Int, CaseIterable, Hashable, Sendable {
        case app, channel, event, data

        public var label: String {
            switch self {
            case .app: "App"
            case .channel: "Channel"
            case .event: "Event"
            case .data: "Data"
            }
        }
    }

    public var fields: [Field: TextField]
    public var focused: Field

    public init(appID: String, channel: String, event: String = "test-event", data: String = "{}") {
        fields = [
            .app: TextField(appID), .channel: TextField(channel), .event: TextField(event), .data: TextField(data),
        ]
        focused = channel.isEmpty ? .channel : .event
    }

    public subscript(field: Field) -> String { fields[field]?.text ?? "" }

    /// Applies an edit to the focused field.
    public mutating func edit(_ change: (inout TextField) -> Void) {
        var field = fields[focused] ?? TextField()
        change(&field)
        fields[focused] = field
    }

    /// Why the form cannot be sent yet, or nil when it can.
    public var problem: String? {
        if self[.app].isEmpty { return "app is empty" }
        if self[.channel].isEmpty { return "channel is empty" }
        if self[.event].isEmpty { return "event name is empty" }
        if let error = JSONText.validationError(self[.data]) { return "data: \(error)" }
        return nil
    }

    /// The command that delivers the event.
    public var command: EngineCommand {
        .publish(appID: self[.app], channel: self[.channel], event: self[.event], data: self[.data])
    }
}
