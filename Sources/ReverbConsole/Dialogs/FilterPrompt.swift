/// The `/` prompt on the flash line while the stream filter is being typed.
public struct FilterPrompt {
    public var field: TextField

    public init(field: TextField) {
        self.field = field
    }

    public func draw(into grid: inout CellGrid, rect: Rect) {
        guard rect.width > 3 else { return }
        grid.fill(rect, role: .text)
        grid.write("/", x: rect.x + 1, y: rect.y, role: .hotkey)
        let width = rect.width - 3
        let start = max(0, field.cursor - width + 1)
        let written = grid.write(
            field.text.dropFirst(start).prefix(width), x: rect.x + 2, y: rect.y, role: .input, limit: width)
        let cursorX = rect.x + 2 + min(written, field.cursor - start)
        grid[cursorX, rect.y] = Cell(grid[cursorX, rect.y].character, role: .selected)
    }
}
