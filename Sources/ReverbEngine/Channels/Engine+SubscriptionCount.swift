import Synchronization
import NIOCore

/// `pusher_internal:subscription_count` for apps with `subscription_count` on (docs/users.md).
extension Engine {
    /// Called after every subscribe and unsubscribe on `channel`.
    func subscriptionCountChanged(on channel: String, app: Application, loop: any EventLoop) {
        guard app.subscriptionCount, ChannelKind(channelName: channel).access != .presence else { return }
        let now = ContinuousClock.now
        let (decision, groups) = registry(for: app).withState { state in
            let count = state.channel(named: channel)?.subscribers.count ?? 0
            let decision = state.subscriptionCounts.changed(channel: channel, count: count, now: now)
            guard case .send = decision else { return (decision, [FanoutGroup]()) }
            return (decision, state.recipients(of: channel, excluding: nil))
        }
        switch decision {
        case .send(let count):
            broadcastSubscriptionCount(count, on: channel, app: app, to: groups)
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
        let pending = registry(for: app).withState { state -> (Int, [FanoutGroup])? in
            let count = state.channel(named: channel)?.subscribers.count ?? 0
            guard let send = state.subscriptionCounts.flush(channel: channel, count: count, now: now) else {
                return nil
            }
            return (send, state.recipients(of: channel, excluding: nil))
        }
        if case let (count, groups)? = pending { broadcastSubscriptionCount(count, on: channel, app: app, to: groups) }
    }

    private func broadcastSubscriptionCount(
        _ count: Int, on channel: String, app: Application, to groups: [FanoutGroup]
    ) {
        let message = ServerMessage.subscriptionCount(channel: channel, count: count)
        BroadcastWriter.write(message, to: groups)
        let delivered = groups.reduce(0) { $0 + $1.count }
        totals.messagesOut.add(delivered, ordering: .relaxed)
        events.emit {
            EngineEvent(
                kind: .messageSent, appID: app.id, channel: channel, event: "pusher_internal:subscription_count",
                payload: String(buffer: message), detail: "delivered to \(delivered)")
        }
        if !app.webhooks.isEmpty {
            webhooks.record(
                WebhookEvent(type: .subscriptionCount, channel: channel, subscriptionCount: count), app: app)
        }
    }
}
