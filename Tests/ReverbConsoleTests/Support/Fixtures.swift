import Foundation
import ReverbConsole
import ReverbEngine

/// Hand-built engine data with fixed times, shared by the render and reducer tests.
enum Fixtures {
    /// 2027-01-15T08:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }

    static let ann = MemberSnapshot(userID: "1", userInfo: #"{"name":"Ann"}"#, connections: 1)
    static let bob = MemberSnapshot(userID: "42", userInfo: #"{"name":"Bob","role":"admin"}"#, connections: 2)

    static let mainApp = AppSnapshot(
        id: "123456", key: "reverb-key",
        connections: [
            ConnectionSnapshot(
                socketID: "870132037.115391333", appID: "123456", origin: "http://localhost:3000",
                channels: ["presence-room", "chat"], connectedAt: ago(300), lastSeenAt: ago(5), messagesIn: 12,
                messagesOut: 40, userID: "alice"
            ),
            ConnectionSnapshot(
                socketID: "112233445.556677889", appID: "123456", channels: ["presence-room"],
                connectedAt: ago(120), lastSeenAt: ago(2), messagesIn: 3, messagesOut: 7
            ),
        ],
        channels: [
            ChannelSnapshot(name: "presence-room", subscriberCount: 2, members: [ann, bob], occupiedSince: ago(290)),
            ChannelSnapshot(
                name: "chat", subscriberCount: 1, occupiedSince: ago(300), lastEventName: "message",
                lastEventAt: ago(10)),
            ChannelSnapshot(name: "private-encrypted-cache-orders", subscriberCount: 1, occupiedSince: ago(4000)),
        ],
        messagesIn: 15, messagesOut: 47
    )

    static let otherApp = AppSnapshot(
        id: "777001", key: "other-key",
        connections: [
            ConnectionSnapshot(
                socketID: "999000111.222333444", appID: "777001", connectedAt: ago(30), lastSeenAt: ago(30))
        ]
    )

    static let snapshot = EngineSnapshot(
        takenAt: now, startedAt: ago(3723), listeningAddress: "127.0.0.1:8080", tlsEnabled: false,
        apps: [otherApp, mainApp], counters: EngineCounters(messagesIn: 100, messagesOut: 250, apiRequests: 10),
        residentMemoryBytes: 24_536_678, fileLimit: 1024, droppedEvents: 0,
        nodes: [NodeSnapshot(id: "web-1:4242", address: "127.0.0.1:8080", connections: 3, lastHeartbeat: now)]
    )

    static let rates = Rates(messagesIn: 12.5, messagesOut: 30, apiRequests: 2, appMessages: ["123456": 42.5])

    static let events: [EngineEvent] = [
        EngineEvent(
            kind: .connectionOpened, time: ago(300), appID: "123456", socketID: "870132037.115391333",
            detail: "origin http://localhost:3000"),
        EngineEvent(
            kind: .subscribed, time: ago(299), appID: "123456", socketID: "870132037.115391333", channel: "chat",
            event: "pusher:subscribe"),
        EngineEvent(kind: .channelOccupied, time: ago(299), appID: "123456", channel: "chat"),
        EngineEvent(
            kind: .memberAdded, time: ago(290), appID: "123456", socketID: "870132037.115391333",
            channel: "presence-room", detail: "user 1"),
        EngineEvent(
            kind: .apiMessage, time: ago(10), appID: "123456", channel: "chat", event: "message",
            payload: #"{"event":"message","channel":"chat","data":"{\"text\":\"hi\"}"}"#, detail: "delivered to 1"
        ),
        EngineEvent(
            kind: .clientEvent, time: ago(4), appID: "123456", socketID: "112233445.556677889",
            channel: "presence-room",
            event: "client-typing",
            payload: #"{"event":"client-typing","channel":"presence-room","data":{"typing":true}}"#
        ),
        EngineEvent(
            kind: .error, time: ago(3), appID: "123456", socketID: "999000111.222333444", code: 4009,
            detail: "Connection is unauthorized"),
        EngineEvent(kind: .ping, time: ago(1), appID: "123456", socketID: "112233445.556677889"),
    ]

    /// Rows of Pusher's user features and webhooks, after `events`.
    static let userFeatureEvents: [EngineEvent] = [
        EngineEvent(
            kind: .signin, time: ago(0.9), appID: "123456", socketID: "870132037.115391333", event: "pusher:signin",
            payload: #"{"id":"alice","watchlist":["bob"]}"#, detail: "signed in as alice, watching 1"),
        EngineEvent(
            kind: .watchlist, time: ago(0.8), appID: "123456", socketID: "870132037.115391333",
            event: "pusher_internal:watchlist_events", detail: "online bob to 1 socket(s)"),
        EngineEvent(
            kind: .webhook, time: ago(0.5), appID: "123456", channel: "chat", event: "http://127.0.0.1:9000/hook",
            code: 500, detail: "attempt 1, 12 ms, 2 event(s), retry in 1s"),
        EngineEvent(
            kind: .webhook, time: ago(0.2), appID: "123456", channel: "chat", event: "http://127.0.0.1:9000/hook",
            code: 200, detail: "attempt 2, 3 ms, 2 event(s), delivered"),
    ]

    /// A console state at `width` × `height` with the fixture events in its stream.
    static func state(width: Int, height: Int, focus: PaneID = .connections) -> ConsoleState {
        var state = ConsoleState()
        state.terminalWidth = width
        state.terminalHeight = height
        state.focus = focus
        state.ingest(events)
        return state
    }

    static func model(_ state: ConsoleState) -> ConsoleModel {
        ConsoleModel(snapshot: snapshot, state: state, rates: rates, rateHistory: [1, 2, 4, 8, 16, 8, 4])
    }

    /// Renders a whole frame at the state's terminal size.
    static func frame(_ state: ConsoleState) -> CellGrid {
        var grid = CellGrid(width: state.terminalWidth, height: state.terminalHeight)
        ConsoleRenderer(utcOffsetSeconds: 0).render(model(state), state, into: &grid)
        return grid
    }
}
