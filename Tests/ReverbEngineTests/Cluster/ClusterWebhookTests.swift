import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import ReverbEngine

/// The cluster's webhook, watchlist and subscription-count decisions, made by the update scripts in a real
/// `redis-server` for two simulated nodes (docs/webhooks.md, docs/users.md).
@Suite("Cluster webhooks, watchlists and counts in Redis", .serialized)
struct ClusterWebhookTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// One Redis connection and a prefix; `update` runs the script as node `node` would.
    struct Scripts {
        let client: RedisClient
        let prefix = "w\(UUID().uuidString.prefix(8))"

        func update(
            _ node: String, _ ops: [ClusterOp], flags: String = "hnk", socket: String = "",
            query: (app: String, channel: String)? = nil
        ) async throws -> ClusterUpdate {
            var arguments = [
                prefix, node, "0", "set", query?.app ?? "", query?.channel ?? "", "0", "0", flags, socket,
            ]
            for op in ops { arguments += [op.field, String(op.value), op.member] }
            return ClusterUpdate(try await client.send(["EVAL", ClusterScripts.update.source, "0"] + arguments).get())
        }

        /// Pops what is due, after moving every held event `seconds` into the past.
        func due(after seconds: Int = 0, last: Bool = false) async throws -> [ClusterWebhook] {
            let held = try await client.send(["ZRANGE", prefix + ":held", "0", "-1"]).get().array ?? []
            for key in held.compactMap(\.string) {
                _ = try await client.send(["ZINCRBY", prefix + ":held", String(-seconds * 1000), key]).get()
            }
            let reply = try await client.send([
                "EVAL", ClusterScripts.due.source, "0", prefix, "a", last ? "1" : "0",
            ]).get()
            return ClusterWebhook.list(reply)
        }

        /// Every envelope on the stream, oldest first.
        func envelopes() async throws -> [ClusterEnvelope] {
            let entries = try await client.send(["XRANGE", prefix + ":events", "-", "+"]).get().array ?? []
            return entries.compactMap { entry in
                guard let text = entry.array?.last?.pairs.first(where: { $0.0 == "e" })?.1 else { return nil }
                return ClusterEnvelope(jsonText: text)
            }
        }
    }

    func scripts(_ redis: RedisServerProcess) async throws -> Scripts {
        let client = try RedisClient(name: "t", endpoint: RedisEndpoint(port: redis.port), loop: Self.group.next())
        client.start()
        for _ in 0..<200 where !client.isConnected { try await Task.sleep(for: .milliseconds(25)) }
        #expect(client.isConnected)
        return Scripts(client: client)
    }

    func hook(_ type: WebhookEventType, _ channel: String, user: String? = nil, count: Int? = nil) -> ClusterWebhook {
        ClusterWebhook(
            appID: "1", event: WebhookEvent(type: type, channel: channel, userID: user, subscriptionCount: count))
    }

    @Test("occupied goes to the first node's caller only, vacated is held and popped by exactly one node")
    func occupancyOnce() async throws {
        let redis = try RedisServerProcess()
        let r = try await scripts(redis)
        let first = try await r.update("a", [.subscriptions(app: "1", channel: "room", count: 1)], flags: "h")
        #expect(first.webhooks == [hook(.channelOccupied, "room")])
        let second = try await r.update("b", [.subscriptions(app: "1", channel: "room", count: 2)], flags: "h")
        #expect(second.webhooks.isEmpty)
        #expect(
            try await r.update("a", [.subscriptions(app: "1", channel: "room", count: 0)], flags: "h").webhooks == [])
        #expect(
            try await r.update("b", [.subscriptions(app: "1", channel: "room", count: 0)], flags: "h").webhooks == [])
        // Held, not due: moved a minute further out first, so a slow machine between the update and this check
        // cannot make it due; then moved past its 3 s hold.
        #expect(try await r.due(after: -60).isEmpty, "held")
        #expect(try await r.due(after: 63) == [hook(.channelVacated, "room")])
        #expect(try await r.due(after: 3).isEmpty, "popped once")
        _ = try await r.client.stop().get()
    }

    @Test("a member leaving one node and joining another within the hold sends neither event")
    func memberHopCancels() async throws {
        let redis = try RedisServerProcess()
        let r = try await scripts(redis)
        let member = #"{"user_id":"7"}"#
        let joined = try await r.update(
            "a", [.presence(app: "1", channel: "presence-x", user: "7", count: 1, member: member)])
        #expect(joined.webhooks == [hook(.memberAdded, "presence-x", user: "7")])
        #expect(joined.transitions.map(\.kind) == [.added])
        let again = try await r.update(
            "b", [.presence(app: "1", channel: "presence-x", user: "7", count: 1, member: member)])
        #expect(again.webhooks.isEmpty && again.transitions.isEmpty, "the same user on a second node")
        _ = try await r.update("a", [.presence(app: "1", channel: "presence-x", user: "7", count: 0, member: "")])
        let left = try await r.update(
            "b", [.presence(app: "1", channel: "presence-x", user: "7", count: 0, member: "")])
        #expect(left.webhooks.isEmpty && left.transitions.map(\.kind) == [.removed])
        let back = try await r.update(
            "a", [.presence(app: "1", channel: "presence-x", user: "7", count: 1, member: member)])
        #expect(back.webhooks.isEmpty, "member_added cancelled the held member_removed")
        #expect(try await r.due(after: 3).isEmpty)
        _ = try await r.update("a", [.presence(app: "1", channel: "presence-x", user: "7", count: 0, member: "")])
        #expect(try await r.due(after: 3) == [hook(.memberRemoved, "presence-x", user: "7")])
        _ = try await r.client.stop().get()
    }

    @Test("without the h flag nothing is held or reported; the last node leaving pops everything held")
    func flagsAndLastNode() async throws {
        let redis = try RedisServerProcess()
        let r = try await scripts(redis)
        let quiet = try await r.update("a", [.subscriptions(app: "1", channel: "q", count: 1)], flags: "")
        #expect(quiet.webhooks.isEmpty)
        _ = try await r.update("a", [.subscriptions(app: "1", channel: "q", count: 0)], flags: "")
        #expect(try await r.client.send(["ZCARD", r.prefix + ":held"]).get().int == 0)
        _ = try await r.update("a", [.subscriptions(app: "1", channel: "v", count: 1)])
        _ = try await r.update("a", [.subscriptions(app: "1", channel: "v", count: 0)])
        #expect(try await r.due(last: true) == [hook(.channelVacated, "v")])
        _ = try await r.client.stop().get()
    }

    @Test("subscription counts: every node hears the cluster's count, the joiner is left out, one webhook each")
    func counts() async throws {
        let redis = try RedisServerProcess()
        let r = try await scripts(redis)
        let one = try await r.update(
            "a", [.subscriptions(app: "1", channel: "room", count: 1)], flags: "nk", socket: "1.1",
            query: ("1", "room"))
        #expect(one.count == 1 && one.webhooks == [hook(.subscriptionCount, "room", count: 1)])
        let two = try await r.update(
            "b", [.subscriptions(app: "1", channel: "room", count: 1)], flags: "nk", socket: "2.2",
            query: ("1", "room"))
        #expect(two.count == 2 && two.webhooks == [hook(.subscriptionCount, "room", count: 2)])
        #expect(one.countVersion == 1 && two.countVersion == 2)
        _ = try await r.update("a", [.subscriptions(app: "1", channel: "room", count: 0)], flags: "nk")
        _ = try await r.update(
            "a", [.subscriptions(app: "1", channel: "presence-p", count: 1)], flags: "nk", socket: "1.1")
        #expect(
            try await r.envelopes().map(\.body) == [
                .subscriptionCount(appID: "1", channel: "room", count: 1, version: 1, node: "a", excluding: "1.1"),
                .subscriptionCount(appID: "1", channel: "room", count: 2, version: 2, node: "b", excluding: "2.2"),
                .subscriptionCount(appID: "1", channel: "room", count: 1, version: 3, node: "a", excluding: nil),
            ])
        _ = try await r.client.stop().get()
    }

    @Test("above 100 subscribers the count webhook waits 5 s and then carries the count of that moment")
    func busyCountWebhook() async throws {
        let redis = try RedisServerProcess()
        let r = try await scripts(redis)
        #expect(
            try await r.update("a", [.subscriptions(app: "1", channel: "c", count: 101)], flags: "k").webhooks == [
                hook(.subscriptionCount, "c", count: 101)
            ])
        #expect(try await r.update("b", [.subscriptions(app: "1", channel: "c", count: 1)], flags: "k").webhooks == [])
        #expect(try await r.update("b", [.subscriptions(app: "1", channel: "c", count: 2)], flags: "k").webhooks == [])
        #expect(try await r.due(after: 3).isEmpty)
        #expect(try await r.due(after: 3) == [hook(.subscriptionCount, "c", count: 103)])
        _ = try await r.client.stop().get()
    }

    @Test("a user is online while any node has a signed-in socket: one online, one offline for everyone")
    func onlineAcrossNodes() async throws {
        let redis = try RedisServerProcess()
        let r = try await scripts(redis)
        _ = try await r.update("a", [.online(app: "1", user: "alice", count: 1)], flags: "")
        _ = try await r.update("b", [.online(app: "1", user: "alice", count: 2)], flags: "")
        _ = try await r.update("a", [.online(app: "1", user: "alice", count: 0)], flags: "")
        #expect(
            try await r.client.send(["HMGET", r.prefix + ":online:1", "alice", "bob"]).get().array?.first?.int == 2)
        _ = try await r.update("b", [.online(app: "1", user: "alice", count: 0)], flags: "")
        let envelopes = try await r.envelopes()
        #expect(
            envelopes.map(\.body) == [
                .presenceOfUser(appID: "1", userID: "alice", online: true),
                .presenceOfUser(appID: "1", userID: "alice", online: false),
            ])
        #expect(envelopes.allSatisfy { $0.origin.isEmpty }, "every node, the changing one included, reads these")
        _ = try await r.client.stop().get()
    }

    @Test("a joiner is held out of the cluster's counts until its reply, then gets only newer ones")
    func joinerFloors() {
        var throttle = SubscriptionCountThrottle()
        throttle.hold(channel: "c", socketID: "j")
        #expect(throttle.skipped(channel: "c", version: 4) == ["j"])
        throttle.release(channel: "c", socketID: "j", version: 6)
        #expect(throttle.skipped(channel: "c", version: 5) == ["j"])
        #expect(throttle.skipped(channel: "c", version: 6) == ["j"])
        #expect(throttle.skipped(channel: "c", version: 7).isEmpty)
        throttle.hold(channel: "c", socketID: "k")
        throttle.release(channel: "c", socketID: "k", version: nil)
        #expect(throttle.skipped(channel: "c", version: 1).isEmpty)
    }

    @Test("script replies and envelopes read back; smoothed events skip this node's hold")
    func parsing() {
        let list = RESPValue.array([
            .simpleString("member_removed"), .simpleString("1"), .simpleString("presence-a"), .simpleString("u␟1"),
            .simpleString("subscription_count"), .simpleString("1"), .simpleString("b"), .simpleString("12"),
            .simpleString("channel_exploded"), .simpleString("1"), .simpleString("c"), .simpleString(""),
        ])
        #expect(
            ClusterWebhook.list(list) == [
                hook(.memberRemoved, "presence-a", user: "u␟1"), hook(.subscriptionCount, "b", count: 12),
            ])
        for body in [
            ClusterEnvelope.Body.subscriptionCount(
                appID: "1", channel: "c", count: 3, version: 9, node: "n", excluding: "1.2"),
            .presenceOfUser(appID: "1", userID: "x", online: false),
        ] {
            #expect(ClusterEnvelope(jsonText: ClusterEnvelope(origin: "", body: body).jsonText)?.body == body)
        }
        var app = Application(id: "1", key: "k", secret: "s")
        app.webhooks = [WebhookEndpoint(url: "http://a/", eventTypes: [.channelVacated])]
        var state = WebhookRoutingState()
        let t0 = ContinuousClock.now
        let vacated = WebhookEvent(type: .channelVacated, channel: "x")
        state.submit(vacated, app: app, now: t0, smoothed: true)
        #expect(state.takeDue(now: t0 + .milliseconds(250), force: false).map(\.events) == [[vacated]])
    }
}
