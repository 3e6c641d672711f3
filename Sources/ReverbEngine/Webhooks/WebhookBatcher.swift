/// Collects one endpoint's events into requests: a batch is sent when it holds `maxEvents` events or when its
/// first event has waited `window`, whichever comes first. A plain value driven by the caller's clock.
struct WebhookBatcher {
    static let defaultMaxEvents = 50
    static let defaultWindow: Duration = .milliseconds(250)

    let maxEvents: Int
    let window: Duration
    private(set) var pending: [WebhookEvent] = []
    private var openedAt: ContinuousClock.Instant?

    init(maxEvents: Int = WebhookBatcher.defaultMaxEvents, window: Duration = WebhookBatcher.defaultWindow) {
        self.maxEvents = maxEvents
        self.window = window
    }

    /// Adds one event; returns a full batch when this event filled it.
    mutating func add(_ event: WebhookEvent, now: ContinuousClock.Instant) -> [WebhookEvent]? {
        if pending.isEmpty { openedAt = now }
        pending.append(event)
        return pending.count >= maxEvents ? take() : nil
    }

    /// The open batch once its window has passed (or at once with `force`, for shutdown).
    mutating func takeDue(now: ContinuousClock.Instant, force: Bool = false) -> [WebhookEvent]? {
        guard let deadline, force || deadline <= now else { return nil }
        return take()
    }

    /// When the open batch must go.
    var deadline: ContinuousClock.Instant? { openedAt.map { $0 + window } }

    private mutating func take() -> [WebhookEvent] {
        defer {
            pending = []
            openedAt = nil
        }
        return pending
    }
}
