import Foundation
import Testing
@testable import ReverbEngine

@Suite("Webhooks: signature, body, batching, smoothing, retries")
struct WebhookTests {
    let t0 = ContinuousClock.now

    func occupied(_ channel: String) -> WebhookEvent { WebhookEvent(type: .channelOccupied, channel: channel) }
    func vacated(_ channel: String) -> WebhookEvent { WebhookEvent(type: .channelVacated, channel: channel) }

    @Test("the signature is the hex HMAC-SHA256 of the exact body with the secret (RFC 4231 case 2)")
    func signature() {
        #expect(
            WebhookSignature.sign(body: "what do ya want for nothing?", secret: "Jefe")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let headers = WebhookSignature.headers(key: "app-key", secret: "Jefe", body: "what do ya want for nothing?")
        #expect(headers.map(\.name) == ["X-Pusher-Key", "X-Pusher-Signature"])
        #expect(headers[0].value == "app-key")
    }

    @Test("the body and every event kind in Pusher's documented shape and member order")
    func body() {
        let events = [
            occupied("my-channel"),
            WebhookEvent(type: .memberRemoved, channel: "presence-room", userID: "42"),
            WebhookEvent(
                type: .clientEvent, channel: "presence-room", userID: "7", event: "client-typing", data: #"{"a":1}"#,
                socketID: "1.2"),
            WebhookEvent(type: .clientEvent, channel: "private-x", event: "client-x", data: "hi", socketID: "3.4"),
            WebhookEvent(type: .subscriptionCount, channel: "room", subscriptionCount: 2),
            WebhookEvent(type: .cacheMiss, channel: "cache-x"),
        ]
        #expect(
            WebhookBody.encode(events, timeMilliseconds: 1_327_078_148_132)
                == #"{"time_ms":1327078148132,"events":[{"name":"channel_occupied","channel":"my-channel"},"#
                + #"{"name":"member_removed","channel":"presence-room","user_id":"42"},"#
                + #"{"name":"client_event","channel":"presence-room","event":"client-typing","data":"{\"a\":1}","#
                + #""socket_id":"1.2","user_id":"7"},"#
                + #"{"name":"client_event","channel":"private-x","event":"client-x","data":"hi","socket_id":"3.4"},"#
                + #"{"name":"subscription_count","channel":"room","subscription_count":2},"#
                + #"{"name":"cache_miss","channel":"cache-x"}]}"#)
    }

    @Test("an endpoint takes only its event types and channels passing both filter ends")
    func endpointFilter() {
        let endpoint = WebhookEndpoint(
            url: "http://127.0.0.1/hook", eventTypes: [.channelOccupied],
            filter: .init(channelNameStartsWith: "private-", channelNameEndsWith: "-orders"))
        #expect(endpoint.accepts(occupied("private-shop-orders")))
        #expect(!endpoint.accepts(occupied("shop-orders")))
        #expect(!endpoint.accepts(occupied("private-shop")))
        #expect(!endpoint.accepts(vacated("private-shop-orders")))
        #expect(WebhookEndpoint(url: "http://h/").accepts(vacated("anything")))
    }

    @Test("a batch goes when it holds 50 events or its first event has waited 250 ms")
    func batching() {
        var batcher = WebhookBatcher()
        for index in 0..<49 { #expect(batcher.add(occupied("c\(index)"), now: t0) == nil) }
        let full = batcher.add(occupied("c49"), now: t0 + .milliseconds(10))
        #expect(full?.count == 50 && full?.first?.channel == "c0")
        #expect(batcher.deadline == nil)

        #expect(batcher.add(occupied("late"), now: t0 + .seconds(1)) == nil)
        #expect(batcher.add(occupied("later"), now: t0 + .milliseconds(1200)) == nil)
        #expect(batcher.deadline == t0 + .milliseconds(1250))
        #expect(batcher.takeDue(now: t0 + .milliseconds(1249)) == nil)
        #expect(batcher.takeDue(now: t0 + .milliseconds(1250))?.map(\.channel) == ["late", "later"])
        #expect(batcher.takeDue(now: t0 + .seconds(5)) == nil)
        _ = batcher.add(occupied("shutdown"), now: t0 + .seconds(6))
        #expect(batcher.takeDue(now: t0 + .seconds(6), force: true)?.count == 1)
    }

    @Test("vacated waits 3 s and is dropped, with the next occupied, when the channel comes back in time")
    func smoothingChannels() {
        var smoother = WebhookSmoother()
        #expect(smoother.submit(occupied("a"), now: t0) == occupied("a"))
        #expect(smoother.submit(vacated("a"), now: t0 + .seconds(1)) == nil)
        #expect(smoother.nextDeadline == t0 + .seconds(4))
        #expect(smoother.takeDue(now: t0 + .milliseconds(3999)).isEmpty)
        // Back within 3 s: neither the vacated nor this occupied is sent.
        #expect(smoother.submit(occupied("a"), now: t0 + .seconds(3)) == nil)
        #expect(smoother.takeDue(now: t0 + .seconds(10)).isEmpty && smoother.isEmpty)
        // Gone for good: the vacated goes out 3 s later.
        #expect(smoother.submit(vacated("a"), now: t0 + .seconds(20)) == nil)
        #expect(smoother.takeDue(now: t0 + .seconds(23)) == [vacated("a")])
        #expect(smoother.submit(occupied("a"), now: t0 + .seconds(24)) == occupied("a"))
    }

    @Test("member_removed waits 3 s per channel and user; other events pass at once")
    func smoothingMembers() {
        var smoother = WebhookSmoother()
        let removed = WebhookEvent(type: .memberRemoved, channel: "presence-r", userID: "1")
        let added = WebhookEvent(type: .memberAdded, channel: "presence-r", userID: "1")
        let otherAdded = WebhookEvent(type: .memberAdded, channel: "presence-r", userID: "2")
        #expect(smoother.submit(removed, now: t0) == nil)
        #expect(smoother.submit(otherAdded, now: t0 + .seconds(1)) == otherAdded)
        #expect(smoother.submit(added, now: t0 + .seconds(2)) == nil)
        #expect(smoother.isEmpty)
        #expect(smoother.submit(removed, now: t0 + .seconds(5)) == nil)
        #expect(smoother.takeDue(now: t0 + .seconds(7)).isEmpty)
        #expect(smoother.takeDue(now: t0 + .seconds(8)) == [removed])
        let cacheMiss = WebhookEvent(type: .cacheMiss, channel: "cache-a")
        #expect(smoother.submit(cacheMiss, now: t0) == cacheMiss)
    }

    @Test("routing: smoothing per app, then one batcher per endpoint that wants the event")
    func routing() {
        var app = Application(id: "1", key: "k", secret: "s")
        app.webhooks = [
            WebhookEndpoint(url: "http://a/", eventTypes: [.channelVacated]),
            WebhookEndpoint(url: "http://b/", eventTypes: [.channelOccupied, .channelVacated]),
        ]
        var state = WebhookRoutingState()
        state.submit(occupied("x"), app: app, now: t0)
        state.submit(vacated("x"), app: app, now: t0 + .milliseconds(100))
        let first = state.takeDue(now: t0 + .milliseconds(250), force: false)
        #expect(first.map(\.endpoint.url) == ["http://b/"] && first[0].events == [occupied("x")])
        #expect(state.nextDeadline == t0 + .milliseconds(3100))
        #expect(state.takeDue(now: t0 + .milliseconds(3100), force: false).isEmpty, "released, now batching")
        let second = state.takeDue(now: t0 + .milliseconds(3350), force: false)
        #expect(Set(second.map(\.endpoint.url)) == ["http://a/", "http://b/"])
        #expect(second.allSatisfy { $0.events == [vacated("x")] })
        #expect(state.nextDeadline == nil)
    }

    @Test("retries back off 1, 2, 4 … 60 s and stop 5 minutes after the first attempt")
    func retries() {
        let policy = WebhookRetryPolicy()
        #expect(policy.delay(afterAttempts: 1, elapsed: .zero) == .seconds(1))
        #expect(policy.delay(afterAttempts: 2, elapsed: .seconds(1)) == .seconds(2))
        #expect(policy.delay(afterAttempts: 3, elapsed: .seconds(3)) == .seconds(4))
        #expect(policy.delay(afterAttempts: 8, elapsed: .seconds(100)) == .seconds(60))
        #expect(policy.delay(afterAttempts: 30, elapsed: .seconds(240)) == .seconds(60))
        #expect(policy.delay(afterAttempts: 31, elapsed: .seconds(241)) == nil)
        #expect(WebhookRetryPolicy.isSuccess(status: 204) && !WebhookRetryPolicy.isSuccess(status: 500))
        #expect(!WebhookRetryPolicy.isSuccess(status: 301))
    }
}
