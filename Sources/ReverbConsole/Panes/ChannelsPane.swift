import Foundation
import ReverbEngine
/// Channels of the apps in scope: name, kind, subscribers, presence users, occupied for, last event. On a node
/// of a cluster: every channel occupied on any node with the cluster's subscribers and users, this node's
/// subscribers beside them ("Here"), and `cluster` in the title.
public struct ChannelsPane: Pane {
    public init() {}

    static let columns = [
        TableColumn("Channel", width: 10, flex: 3),
        TableColumn("Kind", width: 8, dropPriority: 2),
        TableColumn("Subs", width: 4, rightAligned: true),
        TableColumn("Users", width: 5, dropPriority: 3, rightAligned: true),
        TableColumn("Since", width: 6, dropPriority: 4, rightAligned: true),
        TableColumn("Last event", width: 10, flex: 1, dropPriority: 5),
    ]

    static let clusterColumns = [
        TableColumn("Channel", width: 10, flex: 3),
        TableColumn("Kind", width: 8, dropPriority: 2),
        TableColumn("Subs", width: 4, rightAligned: true),
        TableColumn("Here", width: 4, dropPriority: 3, rightAligned: true),
        TableColumn("Users", width: 5, dropPriority: 4, rightAligned: true),
        TableColumn("Since", width: 6, dropPriority: 5, rightAligned: true),
        TableColumn("Last event", width: 10, flex: 1, dropPriority: 6),
    ]

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        let isFocused = state.focus == .channels
        let clustered = model.clusterView != nil
        let status = ([clustered ? "cluster" : nil, model.selectedApp.map { "app \($0.id)" }].compactMap { $0 })
            .joined(separator: " · ")
        let inner = PaneBox(title: "2 Channels", status: status, statusRole: .dim, isFocused: isFocused)
            .draw(into: &grid, rect: rect)
        let count = model.channels.count
        let table = Table(
            columns: clustered ? Self.clusterColumns : Self.columns, rowCount: count,
            selected: ConsoleModel.clamp(state.cursor(.channels), count: count), isFocused: isFocused,
            placeholder: "no occupied channels"
        )
        let now = model.snapshot.takenAt
        table.draw(into: &grid, rect: inner) { index in
            let scoped = model.channels[index]
            let channel = scoped.channel
            let isPresence = channel.kind.access == .presence
            // A channel only other nodes hold has no first-hand "since" or last event here.
            let elsewhere = scoped.here == 0
            var cells = [
                channel.name, channel.kind.label, String(channel.subscriberCount),
                isPresence ? String(channel.userCount) : "-",
                elsewhere ? "-" : DisplayFormat.duration(now.timeIntervalSince(channel.occupiedSince)),
                channel.lastEventName ?? "-",
            ]
            var roles: [Role] = [isPresence ? .presence : .text, .dim, .text, .text, .dim, .text]
            if let here = scoped.here {
                cells.insert(String(here), at: 3)
                roles.insert(.dim, at: 3)
            }
            return (cells, roles)
        }
    }
}
