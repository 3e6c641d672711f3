import OrderedCollections

/// Holds `channel_vacated` and `member_removed` back for a grace period (3 s, as Pusher does) so a page reload
/// or a brief network drop sends nothing: when the channel is occupied again, or the member added again, before
/// the period ends, both the held event and the event that cancelled it are dropped. A plain value driven by
/// the caller's clock, so tests can step time.
struct WebhookSmoother {
    static let gracePeriod: Duration = .seconds(3)

    private enum Key: Hashable {
        case channel(String)
        case member(channel: String, userID: String)
    }

    private struct Held {
        var event: WebhookEvent
        var due: ContinuousClock.Instant
    }

    let delay: Duration
    private var held: OrderedDictionary<Key, Held> = [:]

    init(delay: Duration = WebhookSmoother.gracePeriod) {
        self.delay = delay
    }

    /// Takes one event as it happens; returns it when it is to be sent now, nil when it is held or cancelled.
    mutating func submit(_ event: WebhookEvent, now: ContinuousClock.Instant) -> WebhookEvent? {
        switch event.type {
        case .channelVacated:
            held[.channel(event.channel)] = Held(event: event, due: now + delay)
            return nil
        case .memberRemoved:
            held[.member(channel: event.channel, userID: event.userID ?? "")] = Held(event: event, due: now + delay)
            return nil
        case .channelOccupied:
            return held.removeValue(forKey: .channel(event.channel)) == nil ? event : nil
        case .memberAdded:
            let key = Key.member(channel: event.channel, userID: event.userID ?? "")
            return held.removeValue(forKey: key) == nil ? event : nil
        case .clientEvent, .cacheMiss, .subscriptionCount:
            return event
        }
    }

    /// The held events whose grace period has ended, oldest first.
    mutating func takeDue(now: ContinuousClock.Instant) -> [WebhookEvent] {
        var due: [WebhookEvent] = []
        held.removeAll { element in
            guard element.value.due <= now else { return false }
            due.append(element.value.event)
            return true
        }
        return due
    }

    /// When the next held event falls due.
    var nextDeadline: ContinuousClock.Instant? { held.values.map(\.due).min() }

    var isEmpty: Bool { held.isEmpty }
}
