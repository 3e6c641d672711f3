import ReverbEngine
/// Members of the presence channel in view: user id, user info, connections.
public struct PresencePane: Pane {
    public init() {}

    static let columns = [
        TableColumn("User", width: 6, flex: 1),
        TableColumn("Info", width: 8, flex: 3, dropPriority: 2),
        TableColumn("Conns", width: 5, dropPriority: 1, rightAligned: true),
    ]

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        let isFocused = state.focus == .presence
        let channelName = model.presenceChannel?.channel.name ?? ""
        let inner = PaneBox(title: "3 Presence", status: channelName, statusRole: .presence, isFocused: isFocused)
            .draw(into: &grid, rect: rect)
        let members = model.members
        let table = Table(
            columns: Self.columns, rowCount: members.count,
            selected: ConsoleModel.clamp(state.cursor(.presence), count: members.count), isFocused: isFocused,
            placeholder: model.presenceChannel == nil ? "no presence channel" : "no members"
        )
        table.draw(into: &grid, rect: inner) { index in
            let member = members[index]
            return ([member.userID, member.userInfo, String(member.connections)], [.presence, .text, .text])
        }
    }
}
