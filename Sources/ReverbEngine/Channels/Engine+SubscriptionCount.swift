import NIOCore
import Synchronization

/// `pusher_internal:subscription_count` for apps with `subscription_count` on (docs/users.md).
extension Engine {
    /// Called after every subscribe and unsubscribe on `channel`. Changes that race (two sockets joining at
    /// once on two loops) may be coalesced into one update, but updates are queued under the app's lock, so
    /// every subscriber sees them in order and the last count it sees is the current one.
    ///
    /// With scaling, every node calls this with `clusterCount` (count and version) from the cluster's stream (in
    /// the stream's one order) and delivers to its own subscribers but `excluding`; the `subscription_count`
    /// webhook is then the cluster's to send (`ClusterScripts`), not this node's.
    func subscriptionCountChanged(
        on channel: String, app: Application, loop: any EventLoop, clusterCount: (count: Int, version: Int)? = nil,
        excluding: String? = nil
    ) {
        guard app.subscriptionCount, ChannelKind(channelName: channel).access != .presence else { return }
        let now = ContinuousClock.now
        let (decision, delivered) = registry(for: app).withState { state in
            let count = clusterCount?.count ?? state.channel(named: channel)?.subscribers.count ?? 0
            let decision = state.subscriptionCounts.changed(
                channel: channel, count: count, now: now, version: clusterCount?.version ?? 0)
            let skipped = clusterCount.map { state.subscriptionCounts.skipped(channel: channel, version: $0.version) }
            guard case .send(let count) = decision else { return (decision, 0) }
            var groups = state.recipients(of: channel, excluding: excluding)
            for socketID in skipped ?? [] {
                if let member = state.subscriber(socketID: socketID, channel: channel) {
                    groups = groups.excluding(member.handle.writer)
                }
            }
            if clusterCount == nil { recordSubscriptionCountWebhook(count, on: channel, app: app) }
            return (decision, queueSubscriptionCount(count, on: channel, to: groups))
        }
        switch decision {
        case .send(let count):
            reportSubscriptionCount(count, on: channel, app: app, delivered: delivered)
        case .flushAfter(let delay):
            let nanoseconds = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
            loop.scheduleTask(in: .nanoseconds(nanoseconds)) { [self] in
                flushSubscriptionCount(on: channel, app: app)
            }
        case .none:
            break
        }
    }

    /// The trailing update of a busy channel.
    private func flushSubscriptionCount(on channel: String, app: Application) {
        let now = ContinuousClock.now
        let clustered = cluster?.isConnected == true
        let sent = registry(for: app).withState { state -> (count: Int, delivered: Int)? in
            let count =
                clustered
                ? state.subscriptionCounts.latest(channel: channel) ?? 0
                : state.channel(named: channel)?.subscribers.count ?? 0
            guard let send = state.subscriptionCounts.flush(channel: channel, count: count, now: now) else {
                return nil
            }
            if !clustered { recordSubscriptionCountWebhook(send, on: channel, app: app) }
            return (send, queueSubscriptionCount(send, on: channel, to: state.recipients(of: channel, excluding: nil)))
        }
        if let sent {
            reportSubscriptionCount(sent.count, on: channel, app: app, delivered: sent.delivered)
        }
    }

    /// Queues the message on each subscriber's loop (never written inline), so the order of these calls is
    /// the order every subscriber receives them. Cheap enough to run under the lock: one task per loop.
    /// Returns how many sockets it goes to.
    private func queueSubscriptionCount(_ count: Int, on channel: String, to groups: [FanoutGroup]) -> Int {
        let message = ServerMessage.subscriptionCount(channel: channel, count: count)
        BroadcastWriter.write(message, to: groups)
        return groups.reduce(0) { $0 + $1.count }
    }

    /// Recorded under the app's lock, like the message itself is queued, so that two subscribes on two event loops
    /// reach the webhook in the order of their counts (1 then 2), never the other way round.
    private func recordSubscriptionCountWebhook(_ count: Int, on channel: String, app: Application) {
        guard !app.webhooks.isEmpty else { return }
        webhooks.record(WebhookEvent(type: .subscriptionCount, channel: channel, subscriptionCount: count), app: app)
    }

    private func reportSubscriptionCount(_ count: Int, on channel: String, app: Application, delivered: Int) {
        events.emit {
            EngineEvent(
                kind: .messageSent, appID: app.id, channel: channel, event: "pusher_internal:subscription_count",
                payload: String(buffer: ServerMessage.subscriptionCount(channel: channel, count: count)),
                detail: "delivered to \(delivered)")
        }
    }
}
