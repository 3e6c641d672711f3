/// Choosing the close code for a kick: one row per `KickCode`, the chosen one highlighted.
public struct KickPickerDialog {
    public var socketID: String
    public var choice: Int

    public init(socketID: String, choice: Int) {
        self.socketID = socketID
        self.choice = choice
    }

    public func draw(into grid: inout CellGrid, area: Rect) {
        let rect = Overlay.dialog(width: 46, height: KickCode.choices.count + 2, in: area, grid: &grid)
        let inner = PaneBox(title: "Kick \(socketID)", isFocused: true).draw(into: &grid, rect: rect)
        for (row, code) in KickCode.choices.enumerated() where row < inner.height {
            let marker = row == choice ? ">" : " "
            grid.write(
                "\(marker) \(code.code)  \(code.meaning)", x: inner.x, y: inner.y + row, role: .dialog,
                limit: inner.width)
            if row == choice {
                grid.paint(Rect(x: inner.x, y: inner.y + row, width: inner.width, height: 1), role: .selected)
            }
        }
    }
}
