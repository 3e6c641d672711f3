/// What the update script answered: the presence transitions it made, and what the caller asked to read.
struct ClusterUpdate: Sendable {
    var transitions: [ClusterTransition]
    /// user key → member JSON for the queried presence channel, cluster-wide.
    var roster: [(String, String)]
    /// The queried cache channel's last event, cluster-wide.
    var cache: String?
    /// Webhook events this node is to send: the script gave each cluster-level change to one caller.
    var webhooks: [ClusterWebhook]
    /// Subscriptions of the queried channel, cluster-wide, after the update, and the version of that count
    /// (as in `ClusterEnvelope.Body.subscriptionCount`).
    var count: Int
    var countVersion: Int

    init(_ reply: RESPValue) {
        let items = reply.array ?? []
        transitions = ClusterTransition.list(items.first)
        roster = items.count > 1 ? items[1].pairs : []
        cache = items.count > 2 ? items[2].string : nil
        webhooks = ClusterWebhook.list(items.count > 3 ? items[3] : nil)
        count = items.count > 4 ? items[4].int ?? 0 : 0
        countVersion = items.count > 5 ? items[5].int ?? 0 : 0
    }
}
