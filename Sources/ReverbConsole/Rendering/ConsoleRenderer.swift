/// Draws one whole frame into a grid: header, the panes the layout has room for, the flash line or
/// filter prompt, the hint bar, and the open dialog on top.
public struct ConsoleRenderer {
    public let keyMap: KeyMap
    /// The five panes, built once rather than per frame.
    private let panes: [(PaneID, any Pane)]

    public init(keyMap: KeyMap = .standard, utcOffsetSeconds: Int = 0) {
        self.keyMap = keyMap
        panes = [
            (.apps, AppsPane()), (.channels, ChannelsPane()), (.presence, PresencePane()),
            (.connections, ConnectionsPane()), (.stream, StreamPane(utcOffsetSeconds: utcOffsetSeconds)),
        ]
    }

    /// The area the panes share: everything between the header and the flash line.
    static func body(of layout: ScreenLayout) -> Rect {
        let shown = PaneID.allCases.map { layout.rect(of: $0) }.filter { !$0.isEmpty }
        guard let minX = shown.map(\.x).min(), let minY = shown.map(\.y).min(), let maxX = shown.map(\.maxX).max(),
            let maxY = shown.map(\.maxY).max()
        else { return .zero }
        return Rect(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    /// Renders into `grid` at its current size (which the caller has reset).
    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid) {
        let layout = ScreenLayout(width: grid.width, height: grid.height, focus: state.focus)
        switch layout.mode {
        case .empty:
            return
        case .tooSmall:
            grid.write("terminal too small", x: 0, y: 0, role: .warn)
            return
        case .compact, .full:
            break
        }
        HeaderBar().render(model, state, into: &grid, rect: layout.header)
        if state.showsMetrics {
            MetricsView().render(model, state, into: &grid, rect: Self.body(of: layout))
        } else {
            for (id, pane) in panes {
                let rect = layout.rect(of: id)
                if !rect.isEmpty { pane.render(model, state, into: &grid, rect: rect) }
            }
        }
        if case .filter(let field) = state.modal {
            FilterPrompt(field: field).draw(into: &grid, rect: layout.flash.isEmpty ? layout.hints : layout.flash)
            if !layout.flash.isEmpty { HintBar(keyMap: keyMap).render(state, into: &grid, rect: layout.hints) }
            return
        }
        if state.flash != nil, layout.flash.isEmpty {
            FlashLine().render(state, into: &grid, rect: layout.hints)
        } else {
            FlashLine().render(state, into: &grid, rect: layout.flash)
            HintBar(keyMap: keyMap).render(state, into: &grid, rect: layout.hints)
        }
        let area = Overlay.bodyArea(of: layout, width: grid.width, height: grid.height)
        switch state.modal {
        case .none, .filter:
            break
        case .help(let offset):
            HelpOverlay(keyMap: keyMap).draw(offset: offset, into: &grid, area: area)
        case .detail(let content, let offset):
            ScrollingTextOverlay(title: content.title, lines: content.lines, offset: offset).draw(
                into: &grid, area: area)
        case .kickPicker(_, let socketID, let choice):
            KickPickerDialog(socketID: socketID, choice: choice).draw(into: &grid, area: area)
        case .confirm(let confirmation):
            ConfirmDialog(confirmation: confirmation).draw(into: &grid, area: area)
        case .inject(let form):
            InjectDialog(form: form).draw(into: &grid, area: area)
        }
    }
}
