/// A JSON document that keeps what Pusher clients can see: member order and the literal text of numbers.
///
/// Presence `channel_data` and client-event payloads are re-sent to other clients, so they are kept exactly
/// as received (`{"user_id":2,"user_info":{...}}` stays in that order, `1.0` stays `1.0`).
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its literal text.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The value of `key` when this is an object that has it.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    package var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    package var isNull: Bool { self == .null }

    /// Compact JSON text (no spaces; `/` and non-ASCII left unescaped).
    package var jsonText: String {
        var writer = JSONTextWriter()
        writer.write(self)
        return writer.text
    }
}
