import Foundation
import ReverbEngine
/// Channels of the apps in scope: name, kind, subscribers, presence users, occupied for, last event.
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

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        let isFocused = state.focus == .channels
        let status = model.selectedApp.map { "app \($0.id)" } ?? ""
        let inner = PaneBox(title: "2 Channels", status: status, statusRole: .dim, isFocused: isFocused)
            .draw(into: &grid, rect: rect)
        let count = model.channels.count
        let table = Table(
            columns: Self.columns, rowCount: count, selected: ConsoleModel.clamp(state.cursor(.channels), count: count),
            isFocused: isFocused, placeholder: "no occupied channels"
        )
        let now = model.snapshot.takenAt
        table.draw(into: &grid, rect: inner) { index in
            let channel = model.channels[index].channel
            let isPresence = channel.kind.access == .presence
            return (
                [
                    channel.name, channel.kind.label, String(channel.subscriberCount),
                    isPresence ? String(channel.userCount) : "-",
                    DisplayFormat.duration(now.timeIntervalSince(channel.occupiedSince)),
                    channel.lastEventName ?? "-",
                ], [isPresence ? .presence : .text, .dim, .text, .text, .dim, .text]
            )
        }
    }
}
