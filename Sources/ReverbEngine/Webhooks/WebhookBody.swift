/// A webhook request body: `{"time_ms":…,"events":[…]}`.
public enum WebhookBody {
    /// `timeMilliseconds` is when the batch was made, so receivers can spot late deliveries.
    public static func encode(_ events: [WebhookEvent], timeMilliseconds: Int64) -> String {
        JSONValue.object([
            JSONMember("time_ms", .number(String(timeMilliseconds))),
            JSONMember("events", .array(events.map(\.json))),
        ]).jsonText
    }
}
