import ReverbEngine

/// The live stream, one row per engine event: Type | Socket | Channel | Event | Details | Time,
/// coloured by type; its title shows the filter, hidden types and "PAUSED (+N new)".
public struct StreamPane: Pane {
    /// Seconds east of UTC for the time column.
    public var utcOffsetSeconds: Int

    public init(utcOffsetSeconds: Int = 0) {
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    static let columns = [
        TableColumn("Type", width: 14, dropPriority: 1),
        TableColumn("Socket", width: 19, dropPriority: 3),
        TableColumn("Channel", width: 10, flex: 2, dropPriority: 2),
        TableColumn("Event", width: 10, flex: 2),
        TableColumn("Details", width: 8, flex: 4, dropPriority: 4),
        TableColumn("Time", width: 12, dropPriority: 5),
    ]

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        let isFocused = state.focus == .stream
        let inner = PaneBox(
            title: "5 Stream", status: Self.status(state), statusRole: state.isPaused ? .warn : .dim,
            isFocused: isFocused
        )
        .draw(into: &grid, rect: rect)
        let stream = state.stream
        let count = stream.visibleCount
        let selected = state.streamCursor.map { ConsoleModel.clamp($0, count: count) }
        let table = Table(
            columns: Self.columns, rowCount: count, selected: selected, isFocused: isFocused,
            placeholder: stream.totalCount == 0 ? "waiting for events" : "no rows match the filter"
        )
        table.draw(into: &grid, rect: inner) { index in
            guard let event = stream.visibleRow(index) else { return ([], nil) }
            let role = StreamCategory(event.kind).role
            return (
                [
                    event.kind.rawValue, event.socketID ?? "", event.channel ?? "", event.event ?? "",
                    Self.details(event), DisplayFormat.clock(event.time, offsetSeconds: utcOffsetSeconds),
                ], [role, .text, .text, .text, event.kind == .error ? .error : .dim, .dim]
            )
        }
    }

    /// The Details column: the error code and text, or the engine's detail, or the payload.
    static func details(_ event: EngineEvent) -> String {
        let text = event.detail ?? event.payload ?? ""
        guard let code = event.code else { return text }
        return text.isEmpty ? String(code) : "\(code) \(text)"
    }

    /// The title's right side: filter, hidden types, pause state.
    public static func status(_ state: ConsoleState) -> String {
        var parts: [String] = []
        let filter = state.stream.filter
        if !filter.text.isEmpty { parts.append("filter \"\(filter.text)\"") }
        if !filter.hiddenCategories.isEmpty {
            let hidden = StreamCategory.allCases.filter { filter.hiddenCategories.contains($0) }.map(\.rawValue)
            parts.append("hidden " + hidden.joined(separator: ","))
        }
        if state.isPaused { parts.append("PAUSED (+\(state.pending.count) new)") }
        return parts.joined(separator: " · ")
    }
}
