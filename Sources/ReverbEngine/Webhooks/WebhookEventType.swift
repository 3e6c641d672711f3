/// The kinds of webhook event Pusher sends, by their wire `name` (docs/webhooks.md).
public enum WebhookEventType: String, Sendable, Hashable, CaseIterable {
    case channelOccupied = "channel_occupied"
    case channelVacated = "channel_vacated"
    case memberAdded = "member_added"
    case memberRemoved = "member_removed"
    case clientEvent = "client_event"
    case cacheMiss = "cache_miss"
    case subscriptionCount = "subscription_count"
}
