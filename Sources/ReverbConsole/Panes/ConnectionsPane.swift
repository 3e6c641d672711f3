import Foundation
import ReverbEngine
/// Open connections in scope: socket id, signed-in user, app, origin, channels, connected for, last seen,
/// messages. On a node of a cluster, the other nodes' connections too, with the node holding each.
public struct ConnectionsPane: Pane {
    public init() {}

    static let columns = [
        TableColumn("Socket", width: 12, flex: 1),
        TableColumn("User", width: 6, flex: 1, dropPriority: 5),
        TableColumn("App", width: 6, dropPriority: 3),
        TableColumn("Origin", width: 8, flex: 1, dropPriority: 5),
        TableColumn("Channels", width: 8, flex: 2, dropPriority: 2),
        TableColumn("Since", width: 6, dropPriority: 4, rightAligned: true),
        TableColumn("Seen", width: 5, dropPriority: 6, rightAligned: true),
        TableColumn("In", width: 5, dropPriority: 7, rightAligned: true),
        TableColumn("Out", width: 5, dropPriority: 7, rightAligned: true),
    ]

    /// With a cluster view: the node holding the socket after its id.
    static let clusterColumns: [TableColumn] = {
        // Wide enough for whole socket ids and `host:port` addresses, so a row can be told from its neighbours.
        var columns = Self.columns
        columns[0].minWidth = 20
        columns.insert(TableColumn("Node", width: 15, flex: 1, dropPriority: 4), at: 1)
        return columns
    }()

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        let isFocused = state.focus == .connections
        let clustered = model.clusterView != nil
        let status = clustered ? "\(model.connections.count) · cluster" : "\(model.connections.count)"
        let inner = PaneBox(title: "4 Connections", status: status, statusRole: .dim, isFocused: isFocused)
            .draw(into: &grid, rect: rect)
        let connections = model.connections
        let table = Table(
            columns: clustered ? Self.clusterColumns : Self.columns, rowCount: connections.count,
            selected: ConsoleModel.clamp(state.cursor(.connections), count: connections.count), isFocused: isFocused,
            placeholder: "no connections"
        )
        let now = model.snapshot.takenAt
        table.draw(into: &grid, rect: inner) { index in
            let connection = connections[index]
            var cells = [
                connection.socketID, connection.userID ?? "-", connection.appID, connection.origin ?? "-",
                connection.channels.isEmpty ? "-" : connection.channels.sorted().joined(separator: ","),
                DisplayFormat.duration(now.timeIntervalSince(connection.connectedAt)),
                DisplayFormat.duration(now.timeIntervalSince(connection.lastSeenAt)),
                DisplayFormat.count(connection.messagesIn), DisplayFormat.count(connection.messagesOut),
            ]
            if clustered { cells.insert(connection.node ?? model.snapshot.listeningAddress, at: 1) }
            return (cells, nil)
        }
    }
}
