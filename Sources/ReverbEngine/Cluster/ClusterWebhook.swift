/// A webhook event the cluster's scripts decided this node sends: each cluster-level change goes to exactly
/// one node (docs/webhooks.md), already past the 3 s hold, so the dispatcher sends it as it is.
struct ClusterWebhook: Sendable, Hashable {
    var appID: String
    var event: WebhookEvent

    /// Reads the flat `{name, app, channel, extra, …}` list of the scripts; `extra` is the user id of member
    /// events and the count of `subscription_count`.
    static func list(_ value: RESPValue?) -> [ClusterWebhook] {
        guard let items = value?.array else { return [] }
        return stride(from: 0, to: items.count - 3, by: 4).compactMap { index in
            guard let name = items[index].string, let type = WebhookEventType(rawValue: name),
                let app = items[index + 1].string, let channel = items[index + 2].string,
                let extra = items[index + 3].string
            else { return nil }
            var event = WebhookEvent(type: type, channel: channel)
            switch type {
            case .memberAdded, .memberRemoved: event.userID = extra
            case .subscriptionCount:
                guard let count = Int(extra) else { return nil }
                event.subscriptionCount = count
            default: break
            }
            return ClusterWebhook(appID: app, event: event)
        }
    }
}
