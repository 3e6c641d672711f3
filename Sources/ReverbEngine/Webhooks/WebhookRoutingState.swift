/// The dispatcher's pure bookkeeping: a smoother per app, a batcher per endpoint, and the batches due.
struct WebhookRoutingState {
    private struct EndpointKey: Hashable {
        var appID: String
        var index: Int
    }

    private var smoothers: [String: WebhookSmoother] = [:]
    private var apps: [String: Application] = [:]
    private var batchers: [EndpointKey: WebhookBatcher] = [:]
    private var ready: [WebhookBatch] = []

    /// Takes one event as it happened at `now`; a `smoothed` one was held back already and is routed at once.
    mutating func submit(
        _ event: WebhookEvent, app: Application, now: ContinuousClock.Instant, smoothed: Bool = false
    ) {
        apps[app.id] = app
        if smoothed {
            route(event, app: app, now: now)
        } else if let passed = smoothers[app.id, default: WebhookSmoother()].submit(event, now: now) {
            route(passed, app: app, now: now)
        }
    }

    /// Batches to send now: full ones, ones whose window has passed, and (with `force`) every open one.
    mutating func takeDue(now: ContinuousClock.Instant, force: Bool) -> [WebhookBatch] {
        for appID in smoothers.keys {
            guard let app = apps[appID] else { continue }
            var released = smoothers[appID]!.takeDue(now: now)
            if force { released += smoothers[appID]!.takeDue(now: .now + .seconds(3600)) }
            for event in released { route(event, app: app, now: now) }
        }
        for key in batchers.keys {
            guard let events = batchers[key]!.takeDue(now: now, force: force), let app = apps[key.appID] else {
                continue
            }
            ready.append(WebhookBatch(app: app, endpoint: app.webhooks[key.index], events: events))
        }
        defer { ready = [] }
        return ready
    }

    /// The earliest moment something falls due.
    var nextDeadline: ContinuousClock.Instant? {
        (smoothers.values.compactMap(\.nextDeadline) + batchers.values.compactMap(\.deadline)).min()
    }

    private mutating func route(_ event: WebhookEvent, app: Application, now: ContinuousClock.Instant) {
        for (index, endpoint) in app.webhooks.enumerated() where endpoint.accepts(event) {
            let key = EndpointKey(appID: app.id, index: index)
            if let full = batchers[key, default: WebhookBatcher()].add(event, now: now) {
                ready.append(WebhookBatch(app: app, endpoint: endpoint, events: full))
            }
        }
    }
}
