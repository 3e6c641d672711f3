import Foundation
import ReverbConsole
import ReverbEngine
import Testing

/// A console on node A of a two-node cluster: the apps, channels, presence and connections panes and the header
/// count every node (from the view the server read from Redis), with node A's own share beside the counts and
/// `cluster` in the titles; node B's sockets are listed with node B's address and can be kicked from here.
@Suite struct ClusterGoldenTests {
    static let carol = MemberSnapshot(userID: "7", userInfo: #"{"name":"Cy"}"#, connections: 1)

    static func remote(_ socketID: String, app: String, channels: [String], age: TimeInterval) -> ConnectionSnapshot {
        var row = ConnectionSnapshot(
            socketID: socketID, appID: app, origin: "http://b.test", channels: channels, connectedAt: Fixtures.ago(age),
            lastSeenAt: Fixtures.ago(1), messagesIn: 4, messagesOut: 9)
        row.node = "127.0.0.1:8081"
        return row
    }

    /// Node A is the fixture snapshot (2 sockets of app 123456, 1 of 777001); node B holds 3 and 1 more.
    static let view = ClusterView(
        takenAt: Fixtures.now,
        apps: [
            ClusterView.App(
                id: "123456", connectionsByNode: ["node-a": 2, "node-b": 3],
                channels: [
                    ClusterView.Channel(name: "chat", subscriptions: 2),
                    ClusterView.Channel(name: "news", subscriptions: 2),
                    ClusterView.Channel(
                        name: "presence-room", subscriptions: 3, members: [Fixtures.ann, Fixtures.bob, carol]),
                    ClusterView.Channel(name: "private-encrypted-cache-orders", subscriptions: 1),
                ]),
            ClusterView.App(id: "777001", connectionsByNode: ["node-a": 1, "node-b": 1]),
        ],
        connections: [
            remote("555000111.222333444", app: "123456", channels: ["chat", "news"], age: 200),
            remote("555000222.222333444", app: "123456", channels: ["presence-room"], age: 60),
            remote("555000333.222333444", app: "123456", channels: ["news"], age: 10),
            remote("555000444.222333444", app: "777001", channels: [], age: 5),
        ])

    static let snapshot: EngineSnapshot = {
        var snapshot = Fixtures.snapshot
        let nodes = [
            ClusterState.Node(
                id: "node-a", address: "127.0.0.1:8080", connections: 3, messagesIn: 0, messagesOut: 0,
                startedAt: Fixtures.ago(3723), heartbeatAt: Fixtures.ago(1), isThisNode: true),
            ClusterState.Node(
                id: "node-b", address: "127.0.0.1:8081", connections: 4, messagesIn: 0, messagesOut: 0,
                startedAt: Fixtures.ago(600), heartbeatAt: Fixtures.ago(1), isThisNode: false),
        ]
        snapshot.cluster = ClusterState(
            nodeID: "node-a", redisAddress: "redis://127.0.0.1:6379", redisConnected: true, nodes: nodes, view: view)
        return snapshot
    }()

    static func model(_ state: ConsoleState) -> ConsoleModel {
        ConsoleModel(snapshot: snapshot, state: state, rates: Fixtures.rates)
    }

    static func render(_ pane: some Pane, width: Int, height: Int, focus: PaneID = .connections) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let state = Fixtures.state(width: width, height: height, focus: focus)
        pane.render(model(state), state, into: &grid, rect: grid.bounds)
        return grid
    }

    @Test func appsPaneCountsEveryNodeWithThisNodesShare() {
        expectLines(
            Self.render(AppsPane(), width: 40, height: 6),
            [
                #"┌ 1 Apps ──────────────────── cluster ─┐"#,
                #"│App      Key         Conns  Here Chans│"#,
                #"│all                      7     3     4│"#,
                #"│123456   reverb-key      5     2     4│"#,
                #"│777001   other-key       2     1     0│"#,
                #"└──────────────────────────────────────┘"#,
            ])
    }

    @Test func channelsPaneListsChannelsOfEveryNode() {
        expectLines(
            Self.render(ChannelsPane(), width: 80, height: 7),
            [
                #"┌ 2 Channels ──────────────────────────────────────────────────────── cluster ─┐"#,
                #"│Channel                      Kind     Subs Here Users  Since Last event       │"#,
                #"│chat                         public      2    1     -  5m00s message          │"#,
                #"│news                         public      2    0     -      - -                │"#,
                #"│presence-room                presence    3    2     3  4m50s -                │"#,
                #"│private-encrypted-cache-ord… encrypt…    1    1     -  1h06m -                │"#,
                #"└──────────────────────────────────────────────────────────────────────────────┘"#,
            ])
    }

    @Test func connectionsPaneListsOtherNodesSocketsWithTheirNode() {
        expectLines(
            Self.render(ConnectionsPane(), width: 112, height: 9),
            [
                #"┌ 4 Connections ───────────────────────────────────────────────────────────────────────────────── 7 · cluster ─┐"#,
                #"│Socket                 Node              User     App    Origin     Channels           Since  Seen    In   Out│"#,
                #"│870132037.115391333    127.0.0.1:8080    alice    123456 http://lo… chat,presence-ro…  5m00s    5s    12    40│"#,
                #"│555000111.222333444    127.0.0.1:8081    -        123456 http://b.… chat,news          3m20s    1s     4     9│"#,
                #"│112233445.556677889    127.0.0.1:8080    -        123456 -          presence-room      2m00s    2s     3     7│"#,
                #"│555000222.222333444    127.0.0.1:8081    -        123456 http://b.… presence-room      1m00s    1s     4     9│"#,
                #"│999000111.222333444    127.0.0.1:8080    -        777001 -          -                    30s   30s     0     0│"#,
                #"│555000333.222333444    127.0.0.1:8081    -        123456 http://b.… news                 10s    1s     4     9│"#,
                #"└──────────────────────────────────────────────────────────────────────────────────────────────────────────────┘"#,
            ])
    }

    @Test func headerAndPresenceCountTheCluster() {
        let grid = Self.render(HeaderBar(), width: 120, height: 2)
        #expect(grid.lines()[1].hasPrefix(" conns 7  channels 4  presence 3  "))
        let presence = Self.render(PresencePane(), width: 50, height: 6, focus: .presence)
        #expect(presence.lines().contains { $0.contains("7") && $0.contains(#"{"name":"Cy"}"#) })
    }

    @Test("K on a socket of another node kicks that socket")
    func kickReachesAnotherNodesSocket() {
        var state = Fixtures.state(width: 120, height: 40)
        let keys: [Key] = [.character("4"), .character("g"), .character("j"), .character("K"), .down, .enter]
        for key in keys {
            guard let action = KeyMap.standard.action(for: key, in: state) else { continue }
            _ = ActionReducer().reduce(action, state: &state, model: Self.model(state))
        }
        let action = KeyMap.standard.action(for: .character("y"), in: state)
        let effect = action.map { ActionReducer().reduce($0, state: &state, model: Self.model(state)) }
        #expect(effect == .run(.kick(appID: "123456", socketID: "555000111.222333444", code: 4009)))
    }

    @Test("without a view from Redis the panes show this node alone, unmarked")
    func withoutViewThisNodeAlone() {
        var snapshot = Self.snapshot
        snapshot.cluster?.view = nil
        var grid = CellGrid(width: 40, height: 6)
        let state = Fixtures.state(width: 40, height: 6)
        AppsPane().render(ConsoleModel(snapshot: snapshot, state: state), state, into: &grid, rect: grid.bounds)
        #expect(!grid.lines()[0].contains("cluster") && !grid.lines()[1].contains("Here"))
        #expect(grid.lines()[2].hasPrefix("│all") && grid.lines()[2].contains(" 3 "))
    }
}
