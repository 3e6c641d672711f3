/// A framed, scrollable page of text: the help overlay and the detail view.
public struct ScrollingTextOverlay {
    public var title: String
    public var lines: [String]
    public var offset: Int
    /// Lines that are headings (drawn as titles); the rest are plain text.
    public var isHeading: (String) -> Bool

    public init(title: String, lines: [String], offset: Int, isHeading: @escaping (String) -> Bool = { _ in false }) {
        self.title = title
        self.lines = lines
        self.offset = offset
        self.isHeading = isHeading
    }

    public func draw(into grid: inout CellGrid, area: Rect) {
        guard area.width >= 4, area.height >= 3 else { return }
        grid.fill(area, role: .dialog)
        let visible = area.height - 2
        let first = min(max(0, offset), max(0, lines.count - visible))
        let last = min(lines.count, first + visible)
        let position = lines.count > visible ? "\(first + 1)-\(last)/\(lines.count)" : ""
        let inner = PaneBox(title: title, status: position, statusRole: .dim, isFocused: true).draw(
            into: &grid, rect: area)
        for (row, line) in lines[first..<last].enumerated() {
            grid.write(
                line, x: inner.x + 1, y: inner.y + row, role: isHeading(line) ? .title : .dialog, limit: inner.width - 1
            )
        }
    }
}
