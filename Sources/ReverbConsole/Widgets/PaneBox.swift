/// The frame around a pane: a single-line border with the title (and the digit that focuses the pane)
/// on the top edge, an optional status on the right of it, and the focus shown by colour.
public struct PaneBox: Sendable {
    public var title: String
    public var status: String
    public var statusRole: Role
    public var isFocused: Bool

    public init(title: String, status: String = "", statusRole: Role = .warn, isFocused: Bool) {
        self.title = title
        self.status = status
        self.statusRole = statusRole
        self.isFocused = isFocused
    }

    /// Draws the frame and returns the rectangle inside it.
    @discardableResult
    public func draw(into grid: inout CellGrid, rect: Rect) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return .zero }
        let border: Role = isFocused ? .borderFocus : .border
        let right = rect.maxX - 1
        let bottom = rect.maxY - 1
        grid.fill(Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1), with: "─", role: border)
        grid.fill(Rect(x: rect.x + 1, y: bottom, width: rect.width - 2, height: 1), with: "─", role: border)
        grid.fill(Rect(x: rect.x, y: rect.y + 1, width: 1, height: rect.height - 2), with: "│", role: border)
        grid.fill(Rect(x: right, y: rect.y + 1, width: 1, height: rect.height - 2), with: "│", role: border)
        grid[rect.x, rect.y] = Cell("┌", role: border)
        grid[right, rect.y] = Cell("┐", role: border)
        grid[rect.x, bottom] = Cell("└", role: border)
        grid[right, bottom] = Cell("┘", role: border)
        let room = rect.width - 4
        if room > 0 {
            let written = grid.write(
                " \(title) ", x: rect.x + 1, y: rect.y, role: isFocused ? .titleFocus : .title, limit: room)
            let statusRoom = room - written - 1
            if !status.isEmpty, statusRoom >= 3 {
                let text = " \(status) "
                let width = min(text.count, statusRoom)
                grid.write(text, x: right - 1 - width, y: rect.y, role: statusRole, limit: width)
            }
        }
        return rect.inset(by: 1)
    }
}
