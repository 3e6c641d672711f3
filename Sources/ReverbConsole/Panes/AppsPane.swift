import ReverbEngine
/// Apps: id, key, connections, channels, messages per second; row 0 is "all apps", and the selected
/// row scopes the other panes. On a node of a cluster the counts are the cluster's, with this node's
/// connections beside them ("Here") and `cluster` in the title.
public struct AppsPane: Pane {
    public init() {}

    static let columns = [
        TableColumn("App", width: 6, flex: 1),
        TableColumn("Key", width: 8, flex: 1, dropPriority: 3),
        TableColumn("Conns", width: 5, dropPriority: 1, rightAligned: true),
        TableColumn("Chans", width: 5, dropPriority: 2, rightAligned: true),
        TableColumn("Msg/s", width: 5, dropPriority: 4, rightAligned: true),
    ]

    static let clusterColumns = [
        TableColumn("App", width: 6, flex: 1),
        TableColumn("Key", width: 8, flex: 1, dropPriority: 4),
        TableColumn("Conns", width: 5, dropPriority: 1, rightAligned: true),
        TableColumn("Here", width: 5, dropPriority: 3, rightAligned: true),
        TableColumn("Chans", width: 5, dropPriority: 2, rightAligned: true),
        TableColumn("Msg/s", width: 5, dropPriority: 5, rightAligned: true),
    ]

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        let isFocused = state.focus == .apps
        let clustered = model.clusterView != nil
        let inner = PaneBox(
            title: "1 Apps", status: clustered ? "cluster" : "", statusRole: .dim, isFocused: isFocused
        ).draw(into: &grid, rect: rect)
        let count = model.apps.count + 1
        let table = Table(
            columns: clustered ? Self.clusterColumns : Self.columns, rowCount: count,
            selected: ConsoleModel.clamp(state.cursor(.apps), count: count), isFocused: isFocused, placeholder: ""
        )
        table.draw(into: &grid, rect: inner) { index in
            var cells: [String]
            var here: Int
            if index == 0 {
                let connections = model.apps.reduce(0) { $0 + $1.connectionCount }
                let channels = model.apps.reduce(0) { $0 + $1.channels.count }
                let rate = model.rates.messagesIn + model.rates.messagesOut
                cells = ["all", "", String(connections), String(channels), DisplayFormat.rate(rate)]
                here = model.localApps.values.reduce(0) { $0 + $1.connectionCount }
            } else {
                let app = model.apps[index - 1]
                cells = [
                    app.id, app.key, String(app.connectionCount), String(app.channels.count),
                    DisplayFormat.rate(model.rates.appMessages[app.id] ?? 0),
                ]
                here = model.localApps[app.id]?.connectionCount ?? 0
            }
            if clustered { cells.insert(String(here), at: 3) }
            return (cells, nil)
        }
    }
}
