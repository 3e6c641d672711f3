import Foundation
import ReverbEngine

/// The server nodes: this process alone, or every node of a cluster with its address, connections, message
/// rates, Redis state and when it was last heard from.
public struct NodesPane: Pane {
    public init() {}

    static let columns = [
        TableColumn("Node", width: 8, flex: 1),
        TableColumn("Address", width: 8, flex: 1, dropPriority: 3),
        TableColumn("Conns", width: 5, rightAligned: true),
        TableColumn("In/s", width: 5, dropPriority: 2, rightAligned: true),
        TableColumn("Out/s", width: 5, dropPriority: 2, rightAligned: true),
        TableColumn("Redis", width: 5, flex: 1, dropPriority: 4),
        TableColumn("Beat", width: 4, dropPriority: 1, rightAligned: true),
    ]

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        let nodes = model.snapshot.nodes.sorted { $0.id < $1.id }
        let inner = PaneBox(title: "Nodes", status: "\(nodes.count)", statusRole: .dim, isFocused: false)
            .draw(into: &grid, rect: rect)
        let table = Table(
            columns: Self.columns, rowCount: nodes.count, selected: nil, isFocused: false, placeholder: "no nodes")
        let now = model.snapshot.takenAt
        table.draw(into: &grid, rect: inner) { index in
            let node = nodes[index]
            let age = now.timeIntervalSince(node.lastHeartbeat)
            let redisRole: Role =
                ["off", "connected", "ok"].contains(node.redisState) ? .text : .warn
            return (
                [
                    node.id, node.address, String(node.connections),
                    DisplayFormat.rate(model.rates.nodeMessagesIn[node.id] ?? 0),
                    DisplayFormat.rate(model.rates.nodeMessagesOut[node.id] ?? 0), node.redisState,
                    DisplayFormat.duration(max(0, age)),
                ],
                [.text, .text, .meterValue, .meterValue, .meterValue, redisRole, age > 10 ? .warn : .dim]
            )
        }
    }
}
