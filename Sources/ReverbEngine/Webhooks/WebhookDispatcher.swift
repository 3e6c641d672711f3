import AsyncHTTPClient
import DequeModule
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Sends every app's webhooks away from the event loops.
///
/// The engine only `record`s: a check of the app's endpoints and an append to a bounded queue (events beyond
/// `queueCapacity` are dropped and counted in `droppedEvents`). One background task drains the queue, holds
/// `channel_vacated`/`member_removed` back (`WebhookSmoother`), batches per endpoint (`WebhookBatcher`) and
/// posts with AsyncHTTPClient, retrying per `WebhookRetryPolicy`. With scaling, Redis decides which node sends
/// each cluster-level event and holds it back itself (`ClusterScripts`); those arrive `smoothed`.
/// `isSending` can silence a node entirely (docs/webhooks.md).
final class WebhookDispatcher: Sendable {
    static let queueCapacity = 10_000
    /// Batches being posted or waiting to retry, across all endpoints; more are dropped and counted.
    static let maxInFlight = 256
    static let requestTimeout = TimeAmount.seconds(10)

    private struct Queued: Sendable {
        var app: Application
        var event: WebhookEvent
        var smoothed: Bool
    }

    private let queue = Mutex(Deque<Queued>())
    private let wakeUp: AsyncStream<Void>.Continuation
    private let wakeUps: Mutex<AsyncStream<Void>?>
    private let worker = Mutex<(task: Task<Void, Never>, client: HTTPClient)?>(nil)
    private let stopping = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private let inFlight = Atomic<Int>(0)
    /// Events lost to a full queue or too many batches in flight.
    let droppedEvents = Atomic<Int>(0)
    /// Batches delivered with a 2xx answer, and batches given up after retrying.
    let deliveredBatches = Atomic<Int>(0)
    let failedBatches = Atomic<Int>(0)
    /// Whether this node sends; false holds nothing back but discards what would have been sent.
    let isSending = Atomic<Bool>(true)
    let retryPolicy: WebhookRetryPolicy

    init(retryPolicy: WebhookRetryPolicy = WebhookRetryPolicy()) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wakeUp = continuation
        self.wakeUps = Mutex(stream)
        self.retryPolicy = retryPolicy
    }

    /// Queues one event of `app` if any of its endpoints could want it. Cheap; safe from any thread.
    /// `smoothed` events were already held back (by the cluster) and skip this node's 3 s hold.
    func record(_ event: WebhookEvent, app: Application, smoothed: Bool = false) {
        guard app.webhooks.contains(where: { Self.mayWant($0, event) }) else { return }
        let accepted = queue.withLock { queue in
            guard queue.count < Self.queueCapacity else { return false }
            queue.append(Queued(app: app, event: event, smoothed: smoothed))
            return true
        }
        if accepted {
            wakeUp.yield()
        } else {
            droppedEvents.add(1, ordering: .relaxed)
        }
    }

    /// An endpoint wants an event, or the event may cancel a held one the endpoint wants.
    private static func mayWant(_ endpoint: WebhookEndpoint, _ event: WebhookEvent) -> Bool {
        guard endpoint.filter.accepts(channel: event.channel) else { return false }
        switch event.type {
        case .channelOccupied: return !endpoint.eventTypes.isDisjoint(with: [.channelOccupied, .channelVacated])
        case .memberAdded: return !endpoint.eventTypes.isDisjoint(with: [.memberAdded, .memberRemoved])
        default: return endpoint.eventTypes.contains(event.type)
        }
    }

    // MARK: Lifecycle

    /// Starts the background task; `events` hears one `webhook` row per request finished or given up.
    func start(events: EventHub) {
        guard
            let stream = wakeUps.withLock({ stream in
                defer { stream = nil }; return stream
            })
        else { return }
        // Its own client: no redirects (a webhook answer is final), and shut down with the server.
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: Self.requestTimeout)))
        let task = Task.detached { [self] in await run(stream, events: events, client: client) }
        worker.withLock { $0 = (task, client) }
    }

    /// Stops taking new work; batches still open are sent once, without retries.
    func stop() async {
        stopping.store(true, ordering: .relaxed)
        wakeUp.finish()
        guard
            let running = worker.withLock({ worker in
                defer { worker = nil }; return worker
            })
        else { return }
        await running.task.value
        stopped.store(true, ordering: .relaxed)
        try? await running.client.shutdown()
    }

    // MARK: The background task

    private func run(_ stream: AsyncStream<Void>, events: EventHub, client: HTTPClient) async {
        var state = WebhookRoutingState()
        var wakeUps = stream.makeAsyncIterator()
        let clock = ContinuousClock()
        while !stopping.load(ordering: .relaxed) {
            let now = clock.now
            let arrived = queue.withLock { queue in
                defer { queue.removeAll(keepingCapacity: true) }
                return Array(queue)
            }
            for item in arrived { state.submit(item.event, app: item.app, now: now, smoothed: item.smoothed) }
            for batch in state.takeDue(now: now, force: false) { launch(batch, events: events, client: client) }
            if let deadline = state.nextDeadline {
                // Poll at least every 50 ms while anything is held, so new events still go out within a window.
                try? await Task.sleep(until: min(deadline, now + .milliseconds(50)), clock: clock)
            } else if await wakeUps.next() == nil {
                break
            }
        }
        // Shutting down: drain what is queued, send every open batch once.
        let arrived = queue.withLock { queue in
            defer { queue.removeAll() }
            return Array(queue)
        }
        for item in arrived { state.submit(item.event, app: item.app, now: clock.now, smoothed: item.smoothed) }
        await withTaskGroup(of: Void.self) { group in
            for batch in state.takeDue(now: clock.now, force: true) {
                group.addTask { await self.post(batch, events: events, client: client, retrying: false) }
            }
        }
    }

    /// Starts posting one batch without waiting for it.
    private func launch(_ batch: WebhookBatch, events: EventHub, client: HTTPClient) {
        guard isSending.load(ordering: .relaxed) else { return }
        guard inFlight.add(1, ordering: .relaxed).newValue <= Self.maxInFlight else {
            inFlight.subtract(1, ordering: .relaxed)
            droppedEvents.add(batch.events.count, ordering: .relaxed)
            events.emit {
                EngineEvent(
                    kind: .webhook, appID: batch.app.id, event: batch.endpoint.url,
                    detail: "dropped \(batch.events.count) event(s): \(Self.maxInFlight) requests already in flight")
            }
            return
        }
        Task.detached { [self] in
            await post(batch, events: events, client: client, retrying: true)
            inFlight.subtract(1, ordering: .relaxed)
        }
    }

    /// Posts one batch, retrying on failure or a non-2xx answer while the policy allows.
    private func post(_ batch: WebhookBatch, events: EventHub, client: HTTPClient, retrying: Bool) async {
        let body = WebhookBody.encode(batch.events, timeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        var request = HTTPClientRequest(url: batch.endpoint.url)
        request.method = .POST
        for (name, value) in batch.endpoint.headers { request.headers.add(name: name, value: value) }
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        for header in WebhookSignature.headers(key: batch.app.key, secret: batch.app.secret, body: body) {
            request.headers.replaceOrAdd(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(string: body))

        let clock = ContinuousClock()
        let firstAttempt = clock.now
        var attempts = 0
        while true {
            attempts += 1
            let started = clock.now
            var failure: String?
            var status: Int?
            do {
                let response = try await client.execute(request, timeout: Self.requestTimeout)
                _ = try? await response.body.collect(upTo: 1 << 16)
                status = Int(response.status.code)
            } catch {
                failure = "\(error)"
            }
            let latency = clock.now - started
            let delivered = status.map(WebhookRetryPolicy.isSuccess(status:)) ?? false
            let retryIn =
                delivered || !retrying || stopped.load(ordering: .relaxed)
                ? nil : retryPolicy.delay(afterAttempts: attempts, elapsed: clock.now - firstAttempt)
            let milliseconds =
                latency.components.seconds * 1000 + latency.components.attoseconds / 1_000_000_000_000_000
            let verdict = delivered ? "delivered" : retryIn.map { "retry in \($0.components.seconds)s" } ?? "gave up"
            events.emit {
                EngineEvent(
                    kind: .webhook, appID: batch.app.id, channel: batch.channelSummary, event: batch.endpoint.url,
                    payload: body, code: status,
                    detail: (failure.map { "\($0), " } ?? "")
                        + "attempt \(attempts), \(milliseconds) ms, \(batch.events.count) event(s), \(verdict)")
            }
            if delivered {
                deliveredBatches.add(1, ordering: .relaxed)
                return
            }
            guard let retryIn else {
                failedBatches.add(1, ordering: .relaxed)
                return
            }
            try? await Task.sleep(for: retryIn)
        }
    }
}

/// One request's worth of events for one endpoint of one app.
struct WebhookBatch: Sendable {
    var app: Application
    var endpoint: WebhookEndpoint
    var events: [WebhookEvent]

    /// The channel for the console row: the one channel, or nil when the batch spans several.
    var channelSummary: String? {
        guard let first = events.first?.channel, events.allSatisfy({ $0.channel == first }) else { return nil }
        return first
    }
}
