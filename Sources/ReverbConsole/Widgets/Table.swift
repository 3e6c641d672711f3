/// Draws rows of text under column headings, keeps the selected row in view and highlights it.
/// Only the visible rows are asked for, so a long stream costs no more per frame than a short one.
public struct Table {
    public var columns: [TableColumn]
    public var rowCount: Int
    /// The selected row; nil shows the end of the list with nothing highlighted.
    public var selected: Int?
    public var isFocused: Bool
    /// Shown in place of rows when there are none.
    public var placeholder: String

    public init(columns: [TableColumn], rowCount: Int, selected: Int?, isFocused: Bool, placeholder: String) {
        self.columns = columns
        self.rowCount = rowCount
        self.selected = selected
        self.isFocused = isFocused
        self.placeholder = placeholder
    }

    /// Draws into `rect`; `row` gives the cells (and optionally a role per cell) of one row.
    public func draw(into grid: inout CellGrid, rect: Rect, row: (Int) -> (cells: [String], roles: [Role]?)) {
        guard !rect.isEmpty else { return }
        let widths = TableColumn.widths(for: columns, available: rect.width)
        var x = rect.x
        for (index, column) in columns.enumerated() where widths[index] > 0 {
            put(column.title, column: column, width: widths[index], x: x, y: rect.y, role: .columnHeader, into: &grid)
            x += widths[index] + 1
        }
        let visibleRows = rect.height - 1
        guard visibleRows > 0 else { return }
        guard rowCount > 0 else {
            grid.write(placeholder, x: rect.x, y: rect.y + 1, role: .dim, limit: rect.width)
            return
        }
        let top = Viewport.top(selected: selected, rowCount: rowCount, visibleRows: visibleRows)
        for line in 0..<min(visibleRows, rowCount - top) {
            let index = top + line
            let y = rect.y + 1 + line
            let content = row(index)
            x = rect.x
            for (column, spec) in columns.enumerated() where widths[column] > 0 {
                let text = column < content.cells.count ? content.cells[column] : ""
                let role = content.roles.flatMap { column < $0.count ? $0[column] : nil } ?? .text
                put(text, column: spec, width: widths[column], x: x, y: y, role: role, into: &grid)
                x += widths[column] + 1
            }
            if index == selected {
                grid.paint(
                    Rect(x: rect.x, y: y, width: rect.width, height: 1),
                    role: isFocused ? .selected : .selectedUnfocused)
            }
        }
    }

    private func put(
        _ text: String, column: TableColumn, width: Int, x: Int, y: Int, role: Role, into grid: inout CellGrid
    ) {
        let offset = column.isRightAligned ? max(0, width - text.count) : 0
        grid.write(text, x: x + offset, y: y, role: role, limit: width - offset)
    }
}
