/// One configured webhook of an app: where it goes, which events it wants, extra request headers.
public struct WebhookEndpoint: Sendable, Hashable {
    /// Only channels whose names pass both checks are sent; nil passes everything.
    public struct Filter: Sendable, Hashable {
        public var channelNameStartsWith: String?
        public var channelNameEndsWith: String?

        public init(channelNameStartsWith: String? = nil, channelNameEndsWith: String? = nil) {
            self.channelNameStartsWith = channelNameStartsWith
            self.channelNameEndsWith = channelNameEndsWith
        }

        public func accepts(channel: String) -> Bool {
            if let prefix = channelNameStartsWith, !channel.hasPrefix(prefix) { return false }
            if let suffix = channelNameEndsWith, !channel.hasSuffix(suffix) { return false }
            return true
        }
    }

    public var url: String
    public var eventTypes: Set<WebhookEventType>
    public var filter: Filter
    /// Sent with every request, beside `X-Pusher-Key` and `X-Pusher-Signature` (which they cannot replace).
    public var headers: [String: String]

    public init(
        url: String, eventTypes: Set<WebhookEventType> = Set(WebhookEventType.allCases), filter: Filter = Filter(),
        headers: [String: String] = [:]
    ) {
        self.url = url
        self.eventTypes = eventTypes
        self.filter = filter
        self.headers = headers
    }

    /// Whether this endpoint wants `event`.
    public func accepts(_ event: WebhookEvent) -> Bool {
        eventTypes.contains(event.type) && filter.accepts(channel: event.channel)
    }
}
