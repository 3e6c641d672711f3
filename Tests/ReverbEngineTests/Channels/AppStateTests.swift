import Foundation
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import ReverbEngine

/// The per-app state machine on its own: no sockets, no locks, handles on embedded channels.
@Suite("App state")
struct AppStateTests {
    let app = Application(id: "1", key: "key", secret: "secret", maxConnections: 3)
    let now = Date(timeIntervalSince1970: 1_000)

    func handle(_ socketID: String) -> ConnectionHandle { .embedded(socketID: socketID, app: app) }

    func member(_ id: String, name: String? = nil) -> JSONValue {
        var members = [JSONMember("user_id", .string(id))]
        if let name { members.append(JSONMember("user_info", .object([JSONMember("name", .string(name))]))) }
        return .object(members)
    }

    @Test("open counts every socket against max_connections, subscribed or not")
    func quota() throws {
        var state = AppState()
        for id in ["1.1", "1.2", "1.3"] { try state.open(handle(id)) }
        #expect(throws: PusherError.overQuota) { try state.open(handle("1.4")) }
        _ = state.close(socketID: "1.2")
        try state.open(handle("1.4"))
        #expect(state.connectionCount == 3)
    }

    @Test("the first subscriber occupies a channel, the last one vacates it")
    func occupancy() throws {
        var state = AppState()
        let a = handle("1.1")
        let b = handle("1.2")
        try state.open(a)
        try state.open(b)
        #expect(state.subscribe(a, to: "news", userID: nil, channelData: nil, now: now).channelOccupied)
        #expect(!state.subscribe(b, to: "news", userID: nil, channelData: nil, now: now).channelOccupied)
        #expect(state.unsubscribe(socketID: "1.1", channel: "news")?.vacated == false)
        #expect(state.unsubscribe(socketID: "1.1", channel: "news") == nil, "a second unsubscribe is a no-op")
        #expect(state.unsubscribe(socketID: "1.2", channel: "news")?.vacated == true)
        #expect(state.channel(named: "news") == nil)
    }

    @Test("presence: a user's first socket joins, a second tab is silent, the last socket leaves")
    func presencePerUser() throws {
        var state = AppState()
        let tab1 = handle("1.1")
        let tab2 = handle("1.2")
        let other = handle("1.3")
        for h in [tab1, tab2, other] { try state.open(h) }
        let ann = member("7", name: "Ann")

        let first = state.subscribe(tab1, to: "presence-room", userID: .string("7"), channelData: ann, now: now)
        #expect(first.userJoined && first.presence?.count == 1)
        let watcher = state.subscribe(
            other, to: "presence-room", userID: .string("9"), channelData: member("9"), now: now)
        #expect(watcher.userJoined)
        #expect(watcher.memberAddedRecipients.reduce(0) { $0 + $1.count } == 1, "tab1 hears user 9; 9 itself not")
        let second = state.subscribe(tab2, to: "presence-room", userID: .string("7"), channelData: ann, now: now)
        #expect(!second.userJoined, "a second tab of user 7 is not a new member")
        #expect(second.presence?.count == 2)

        let departures1 = state.close(socketID: "1.1")
        #expect(departures1.count == 1 && departures1[0].memberRemoved == nil, "user 7 still has a tab")
        let departures2 = state.close(socketID: "1.2")
        let removed = try #require(departures2.first?.memberRemoved)
        #expect(removed.userID == .string("7"))
        #expect(removed.recipients.reduce(0) { $0 + $1.count } == 1, "only user 9's socket remains to hear it")
        #expect(state.sockets(ofUser: "7").isEmpty)
        #expect(state.sockets(ofUser: "9").map(\.socketID) == ["1.3"])
    }

    @Test("re-subscribing as the same user changes nothing others see")
    func resubscribeSameUser() throws {
        var state = AppState()
        let a = handle("1.1")
        try state.open(a)
        _ = state.subscribe(a, to: "presence-room", userID: .string("7"), channelData: member("7"), now: now)
        let again = state.subscribe(a, to: "presence-room", userID: .string("7"), channelData: member("7"), now: now)
        #expect(!again.userJoined)
        #expect(again.presence?.count == 1)
        #expect(state.sockets(ofUser: "7").count == 1)
    }

    @Test("cache channels: a miss before any event, the last payload after one, nothing on other channels")
    func cache() throws {
        var state = AppState()
        let a = handle("1.1")
        let b = handle("1.2")
        try state.open(a)
        try state.open(b)
        let miss = state.subscribe(a, to: "cache-prices", userID: nil, channelData: nil, now: now)
        #expect(miss.cache == .some(nil))
        let payload = ServerMessage.event(name: "tick", data: "{}", channel: "cache-prices")
        let recipients = state.broadcast(
            on: "cache-prices", eventName: "tick", payload: payload, now: now, excluding: "1.1")
        #expect(recipients.reduce(0) { $0 + $1.count } == 0)
        #expect(state.channel(named: "cache-prices")?.lastEventName == "tick")
        let hit = state.subscribe(b, to: "cache-prices", userID: nil, channelData: nil, now: now)
        #expect(hit.cache == .some(payload))
        #expect(state.subscribe(b, to: "news", userID: nil, channelData: nil, now: now).cache == nil)
    }

    @Test("recipients exclude the sender wherever it is subscribed, and only there")
    func recipientsExcluding() throws {
        var state = AppState()
        let handles = (1...3).map { handle("1.\($0)") }
        for h in handles {
            try state.open(h)
            _ = state.subscribe(h, to: "news", userID: nil, channelData: nil, now: now)
        }
        #expect(state.recipients(of: "news", excluding: nil).reduce(0) { $0 + $1.count } == 3)
        #expect(state.recipients(of: "news", excluding: "1.2").reduce(0) { $0 + $1.count } == 2)
        #expect(state.recipients(of: "news", excluding: "9.9").reduce(0) { $0 + $1.count } == 3)
        #expect(state.recipients(of: "nobody", excluding: nil).isEmpty)
    }

    @Test(
        "the recipients per event loop follow every join and leave as a fresh split would",
        arguments: ["presence-room", "room"])
    func recipientsFollowMembership(channel: String) throws {
        var state = AppState()
        let app = Application(id: "2", key: "unlimited", secret: "secret")
        let loops = [EmbeddedEventLoop(), EmbeddedEventLoop()]
        let handles = (0..<8).map { ConnectionHandle.embedded(socketID: "1.\($0)", app: app, loop: loops[$0 % 2]) }
        /// Socket ids per loop, in loop order, sorted within a loop (the order of a split is the dictionary's).
        func byLoop(_ groups: [FanoutGroup]) -> [[String]] {
            loops.map { loop in
                groups.filter { $0.loop === loop }.flatMap { $0.writers.map(\.socketID) }.sorted()
            }
        }
        var expected: Set<String> = []
        func check(_ step: String) {
            let fresh = byLoop(FanoutGroup.partition(handles.filter { expected.contains($0.socketID) }.map(\.writer)))
            #expect(byLoop(state.recipients(of: channel, excluding: nil)) == fresh, "\(step)")
            #expect(state.recipients(of: channel, excluding: nil).allSatisfy { $0.count > 0 }, "\(step)")
            // A sender is left out of its own loop's group only.
            if let sender = expected.sorted().first {
                let withoutSender = fresh.map { $0.filter { $0 != sender } }
                #expect(byLoop(state.recipients(of: channel, excluding: sender)) == withoutSender, "\(step)")
            }
        }
        for handle in handles { try state.open(handle) }
        for handle in handles.prefix(5) {
            _ = state.subscribe(
                handle, to: channel, userID: .string(handle.socketID), channelData: nil, now: now)
            expected.insert(handle.socketID)
        }
        check("first broadcast")
        for (step, index) in [1, 3, 5, 1, 6, 7, 0, 2, 4, 6, 7].enumerated() {
            let socketID = handles[index].socketID
            if expected.contains(socketID) {
                _ = state.unsubscribe(socketID: socketID, channel: channel)
                expected.remove(socketID)
            } else {
                _ = state.subscribe(
                    handles[index], to: channel, userID: .string(socketID), channelData: nil, now: now)
                expected.insert(socketID)
            }
            check("step \(step): socket \(socketID)")
        }
        // Subscribing again changes nothing.
        _ = state.subscribe(handles[0], to: channel, userID: .string("1.0"), channelData: nil, now: now)
        expected.insert("1.0")
        check("resubscribe")
    }

    @Test("closing a socket leaves every channel it held and keeps its message totals")
    func closeKeepsTotals() throws {
        var state = AppState()
        let a = handle("1.1")
        try state.open(a)
        _ = state.subscribe(a, to: "one", userID: nil, channelData: nil, now: now)
        _ = state.subscribe(a, to: "two", userID: nil, channelData: nil, now: now)
        a.messagesIn.add(5, ordering: .relaxed)
        for _ in 0..<7 { a.writer.send(OutboundFrame.text(ServerMessage.pong)) }
        let departures = state.close(socketID: "1.1")
        #expect(Set(departures.map(\.channel)) == ["one", "two"])
        #expect(departures.allSatisfy { $0.vacated })
        #expect(state.closedMessagesIn == 5 && state.closedMessagesOut == 7)
        #expect(state.close(socketID: "1.1").isEmpty)
    }
}
