import Foundation
import ReverbConsole
import ReverbEngine
import Testing

/// The pictures: braille rate graphs, the latency distribution, the nodes pane and the metrics view, rendered
/// from fixed data and compared with expected text.
@Suite struct MetricsGoldenTests {
    static let metrics = MetricsHistory(
        connections: [0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8, 6, 4, 2, 2],
        messagesIn: [0, 0, 10, 20, 40, 80, 40, 20, 10, 0, 0, 5],
        messagesOut: [0, 30, 60, 90, 120, 90, 60, 30],
        latency: LatencyHistogramSnapshot(counts: [0, 3, 40, 12, 4, 1, 0, 0, 0, 0, 0, 1]),
        latencyWindowSeconds: 60)

    static let cluster: [NodeSnapshot] = [
        NodeSnapshot(
            id: "web-1", address: "10.0.0.1:8080", connections: 1200, messagesIn: 500, messagesOut: 900,
            redisState: "connected", lastHeartbeat: Fixtures.ago(1)),
        NodeSnapshot(
            id: "web-2", address: "10.0.0.2:8080", connections: 800, messagesIn: 100, messagesOut: 300,
            redisState: "reconnecting", lastHeartbeat: Fixtures.ago(25)),
    ]

    static func model(_ state: ConsoleState, nodes: [NodeSnapshot]? = nil) -> ConsoleModel {
        var snapshot = Fixtures.snapshot
        if let nodes { snapshot.nodes = nodes }
        return ConsoleModel(
            snapshot: snapshot, state: state,
            rates: Rates(nodeMessagesIn: ["web-1": 50], nodeMessagesOut: ["web-1": 90]),
            metrics: metrics)
    }

    static func render(_ pane: some Pane, width: Int, height: Int, nodes: [NodeSnapshot]? = nil) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let state = Fixtures.state(width: width, height: height)
        pane.render(model(state, nodes: nodes), state, into: &grid, rect: grid.bounds)
        return grid
    }

    @Test func brailleGraphFillsTwoSamplesPerCellFromTheBottom() {
        var grid = CellGrid(width: 4, height: 2)
        BrailleGraph(values: [1, 2, 3, 4, 5, 6, 7, 8]).draw(into: &grid, rect: grid.bounds)
        expectLines(grid, ["  ⣠⣾", "⣠⣾⣿⣿"])
        #expect(grid[3, 0].role == .rateMid)
        #expect(grid[0, 1].role == .rateLow)
        #expect(grid[0, 0].role == .text)
        var empty = CellGrid(width: 3, height: 1)
        BrailleGraph(values: []).draw(into: &empty, rect: empty.bounds)
        expectLines(empty, [""])
    }

    @Test func metricsPaneAt40x11() {
        let grid = Self.render(MetricsPane(), width: 40, height: 11)
        expectLines(
            grid,
            [
                #"┌ Metrics ────────────────── last 12s ─┐"#,
                #"│connections 2  peak 8                 │"#,
                #"│                                ⢀⣴⣿⣿⡄ │"#,
                #"│                              ⢀⣴⣿⣿⣿⣿⣿⣤│"#,
                #"│messages in 5.0/s  peak 80/s          │"#,
                #"│                                  ⢸   │"#,
                #"│                                 ⣠⣿⣧⡀⢀│"#,
                #"│messages out 30/s  peak 120/s         │"#,
                #"│                                   ⢠⣧ │"#,
                #"│                                  ⢠⣿⣿⣧│"#,
                #"└──────────────────────────────────────┘"#,
            ])
    }

    @Test func latencyPaneAt44x14() {
        let grid = Self.render(LatencyPane(), width: 44, height: 14)
        expectLines(
            grid,
            [
                #"┌ Broadcast latency 60s ── p50 ≤250µs  p9…─┐"#,
                #"│  ≤50µs                                  0│"#,
                #"│ ≤100µs ██▍                              3│"#,
                #"│ ≤250µs ███████████████████████████████ 40│"#,
                #"│ ≤500µs █████████▎                      12│"#,
                #"│   ≤1ms ███▏                             4│"#,
                #"│ ≤2.5ms ▊                                1│"#,
                #"│   ≤5ms                                  0│"#,
                #"│  ≤10ms                                  0│"#,
                #"│  ≤25ms                                  0│"#,
                #"│  ≤50ms                                  0│"#,
                #"│ ≤100ms                                  0│"#,
                #"│ >100ms ▊                                1│"#,
                #"└──────────────────────────────────────────┘"#,
            ])
    }

    @Test func latencyPaneWithoutBroadcasts() {
        var grid = CellGrid(width: 44, height: 5)
        let state = Fixtures.state(width: 44, height: 5)
        LatencyPane().render(
            ConsoleModel(snapshot: Fixtures.snapshot, state: state), state, into: &grid, rect: grid.bounds)
        expectLines(
            grid,
            [
                #"┌ Broadcast latency 0s ──── no broadcasts ─┐"#,
                #"│  ≤50µs                                  0│"#,
                #"│ ≤100µs                                  0│"#,
                #"│ ≤250µs                                  0│"#,
                #"└──────────────────────────────────────────┘"#,
            ])
    }

    @Test func nodesPaneShowsEveryNode() {
        let grid = Self.render(NodesPane(), width: 70, height: 5, nodes: Self.cluster)
        expectLines(
            grid,
            [
                #"┌ Nodes ───────────────────────────────────────────────────────── 2 ─┐"#,
                #"│Node            Address         Conns  In/s Out/s Redis         Beat│"#,
                #"│web-1           10.0.0.1:8080    1200    50    90 connected       1s│"#,
                #"│web-2           10.0.0.2:8080     800     0     0 reconnecting   25s│"#,
                #"└────────────────────────────────────────────────────────────────────┘"#,
            ])
    }

    @Test func metricsViewReplacesThePanesAt120x40() {
        var state = Fixtures.state(width: 120, height: 40)
        let reducer = ActionReducer()
        let action = KeyMap.standard.action(for: .character("v"), in: state)
        #expect(action == .toggleMetrics)
        _ = reducer.reduce(.toggleMetrics, state: &state, model: Self.model(state))
        #expect(state.showsMetrics)
        var grid = CellGrid(width: 120, height: 40)
        ConsoleRenderer(utcOffsetSeconds: 0).render(Self.model(state), state, into: &grid)
        expectLines(
            grid,
            [
                #" reverb-tui  ws://127.0.0.1:8080  tls off  key 2 apps  up 01:02:03  mem 23.4 MB"#,
                #" conns 3  channels 3  presence 2  in 0/s  out 0/s  api 0/s  dropped 0"#,
                #"┌ Metrics ────────────────────────────────────────────────────────────────────────────────────────────────── last 12s ─┐"#,
                #"│connections 2  peak 8                                                                                                 │"#,
                #"│                                                                                                                 ⢠⣿⣿  │"#,
                #"│                                                                                                                ⢀⣾⣿⣿⡆ │"#,
                #"│                                                                                                                ⣼⣿⣿⣿⣧ │"#,
                #"│                                                                                                               ⣸⣿⣿⣿⣿⣿⣀│"#,
                #"│                                                                                                              ⢰⣿⣿⣿⣿⣿⣿⣿│"#,
                #"│messages in 5.0/s  peak 80/s                                                                                          │"#,
                #"│                                                                                                                  ⢸   │"#,
                #"│                                                                                                                  ⢸   │"#,
                #"│                                                                                                                  ⣼⡄  │"#,
                #"│                                                                                                                 ⢀⣿⣇  │"#,
                #"│                                                                                                                 ⣾⣿⣿⡆⢀│"#,
                #"│messages out 30/s  peak 120/s                                                                                         │"#,
                #"│                                                                                                                    ⡇ │"#,
                #"│                                                                                                                   ⢀⣇ │"#,
                #"│                                                                                                                   ⢸⣿ │"#,
                #"│                                                                                                                   ⣼⣿⡄│"#,
                #"│                                                                                                                   ⣿⣿⡇│"#,
                #"│                                                                                                                  ⢰⣿⣿⣷│"#,
                #"│                                                                                                                  ⢸⣿⣿⣿│"#,
                #"└──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘"#,
                #"┌ Broadcast latency 60s ──── p50 ≤250µs  p99 >100ms  n 61 ─┐┌ Nodes ─────────────────────────────────────────────── 1 ─┐"#,
                #"│  ≤50µs                                                  0││Node         Address      Conns  In/s Out/s Redis     Beat│"#,
                #"│ ≤100µs ███▌                                             3││web-1:4242   127.0.0.1:8…     3     0     0 off         0s│"#,
                #"│ ≤250µs ███████████████████████████████████████████████ 40││                                                          │"#,
                #"│ ≤500µs ██████████████▏                                 12││                                                          │"#,
                #"│   ≤1ms ████▊                                            4││                                                          │"#,
                #"│ ≤2.5ms █▏                                               1││                                                          │"#,
                #"│   ≤5ms                                                  0││                                                          │"#,
                #"│  ≤10ms                                                  0││                                                          │"#,
                #"│  ≤25ms                                                  0││                                                          │"#,
                #"│  ≤50ms                                                  0││                                                          │"#,
                #"│ ≤100ms                                                  0││                                                          │"#,
                #"│ >100ms █▏                                               1││                                                          │"#,
                #"└──────────────────────────────────────────────────────────┘└──────────────────────────────────────────────────────────┘"#,
                #""#,
                #" K kick  ? help  q quit  tab focus  enter details  / filter  space pause  i inject  ctrl-s export  t theme"#,
            ])
    }

    @Test(arguments: [
        (
            40, 10,
            [
                #" conns 3  channels 3  presence 2  in 0/s"#,
                #"┌ Metrics ────────────────── last 12s ─┐"#,
                #"│connections 2  peak 8                 │"#,
                #"│messages in 5.0/s  peak 80/s          │"#,
                #"│messages out 30/s  peak 120/s         │"#,
                #"│                                   ⢠⣧ │"#,
                #"│                                  ⢠⣿⣿⣧│"#,
                #"└──────────────────────────────────────┘"#,
                #""#,
                #" K kick  ? help  q quit  tab focus"#,
            ]
        ),
        (0, 0, []),
        (
            60, 16,
            [
                #" conns 3  channels 3  presence 2  in 0/s  out 0/s  api 0/s"#,
                #"┌ Metrics ────────────────────────────────────── last 12s ─┐"#,
                #"│connections 2  peak 8                                     │"#,
                #"│                                                    ⢀⣴⣿⣿⡄ │"#,
                #"│                                                  ⢀⣴⣿⣿⣿⣿⣿⣤│"#,
                #"│messages in 5.0/s  peak 80/s                              │"#,
                #"│                                                      ⢸   │"#,
                #"│                                                     ⣠⣿⣧⡀⢀│"#,
                #"│messages out 30/s  peak 120/s                             │"#,
                #"│                                                        ⡇ │"#,
                #"│                                                       ⢸⣿ │"#,
                #"│                                                       ⣿⣿⡇│"#,
                #"│                                                      ⢸⣿⣿⣿│"#,
                #"└──────────────────────────────────────────────────────────┘"#,
                #""#,
                #" K kick  ? help  q quit  tab focus  enter details  / filter"#,
            ]
        ),
    ])
    func metricsViewDegradesOnSmallTerminals(width: Int, height: Int, expected: [String]) {
        var state = Fixtures.state(width: width, height: height)
        state.showsMetrics = true
        var grid = CellGrid(width: width, height: height)
        ConsoleRenderer(utcOffsetSeconds: 0).render(Self.model(state), state, into: &grid)
        expectLines(grid, expected)
    }

    @Test func headerShowsTheLinkOfAnAttachedConsole() {
        var state = Fixtures.state(width: 120, height: 40)
        state.link = ConsoleLink(
            server: "ws://10.0.0.5:8080", phase: .reconnecting(attempt: 2, reason: "connection refused"),
            serverDropped: 3, localDropped: 1)
        var grid = CellGrid(width: 120, height: 2)
        HeaderBar().render(Self.model(state), state, into: &grid, rect: grid.bounds)
        expectLines(
            grid,
            [
                #" reverb-tui  attached ws://10.0.0.5:8080  reconnecting (2): connection refused  ws://127.0.0.1:8080  tls off  key 2 apps"#,
                #" conns 3  channels 3  presence 2  in 0/s  out 0/s  api 0/s  dropped 0"#,
            ])
    }
}
