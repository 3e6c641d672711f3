/// A yes/no question over the panes.
public struct ConfirmDialog {
    public var confirmation: Confirmation

    public init(confirmation: Confirmation) {
        self.confirmation = confirmation
    }

    public func draw(into grid: inout CellGrid, area: Rect) {
        let width = min(52, area.width)
        let question = Overlay.wrap(confirmation.question, width: max(1, width - 4))
        let rect = Overlay.dialog(width: width, height: question.count + 3, in: area, grid: &grid)
        let inner = PaneBox(title: "Confirm", isFocused: true).draw(into: &grid, rect: rect)
        for (row, line) in question.enumerated() where row < inner.height {
            grid.write(line, x: inner.x + 1, y: inner.y + row, role: .dialog, limit: inner.width - 1)
        }
        let answers = "y yes   n no"
        let y = inner.y + question.count
        guard y < inner.maxY else { return }
        let x = inner.maxX - answers.count - 1
        grid.write("y", x: x, y: y, role: .hotkey)
        grid.write(" yes", x: x + 1, y: y, role: .dialog)
        grid.write("n", x: x + 8, y: y, role: .hotkey)
        grid.write(" no", x: x + 9, y: y, role: .dialog)
    }
}
