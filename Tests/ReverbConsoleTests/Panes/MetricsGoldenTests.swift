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
        expectLines(grid, ["  ⣠⣴", "⣀⣤⣶⣿"])
        #expect(grid[3, 0].role == .rateHigh)
        #expect(grid[0, 1].role == .rateLow)
        var empty = CellGrid(width: 3, height: 1)
        BrailleGraph(values: []).draw(into: &empty, rect: empty.bounds)
        expectLines(empty, ["   "])
    }

    @Test func metricsPaneAt40x11() {
        let grid = Self.render(MetricsPane(), width: 40, height: 11)
        dump(grid)
        expectLines(grid, [])
    }

    @Test func latencyPaneAt44x14() {
        let grid = Self.render(LatencyPane(), width: 44, height: 14)
        dump(grid)
        expectLines(grid, [])
    }

    @Test func latencyPaneWithoutBroadcasts() {
        var grid = CellGrid(width: 44, height: 5)
        let state = Fixtures.state(width: 44, height: 5)
        LatencyPane().render(
            ConsoleModel(snapshot: Fixtures.snapshot, state: state), state, into: &grid, rect: grid.bounds)
        dump(grid)
        expectLines(grid, [])
    }

    @Test func nodesPaneShowsEveryNode() {
        let grid = Self.render(NodesPane(), width: 70, height: 5, nodes: Self.cluster)
        dump(grid)
        expectLines(grid, [])
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
        dump(grid)
        expectLines(grid, [])
    }

    @Test func metricsViewDegradesOnSmallTerminals() {
        for (width, height) in [(40, 10), (0, 0), (60, 16)] {
            var state = Fixtures.state(width: width, height: height)
            state.showsMetrics = true
            var grid = CellGrid(width: width, height: height)
            ConsoleRenderer(utcOffsetSeconds: 0).render(Self.model(state), state, into: &grid)
            dump(grid)
        }
    }

    @Test func headerShowsTheLinkOfAnAttachedConsole() {
        var state = Fixtures.state(width: 120, height: 40)
        state.link = ConsoleLink(
            server: "ws://10.0.0.5:8080", phase: .reconnecting(attempt: 2, reason: "connection refused"),
            serverDropped: 3, localDropped: 1)
        var grid = CellGrid(width: 120, height: 2)
        HeaderBar().render(Self.model(state), state, into: &grid, rect: grid.bounds)
        dump(grid)
        expectLines(grid, [])
    }

    func dump(_ grid: CellGrid) {
        guard ProcessInfo.processInfo.environment["GOLDEN_DUMP"] != nil else { return }
        print("GOLDEN>>>")
        for line in grid.lines() { print("                #\"\(line)\"#,") }
        print("<<<GOLDEN")
    }
}
