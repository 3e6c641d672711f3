/// The inject form: app, channel, event and data fields, the focused one editable with a cursor,
/// and the JSON verdict under the data as it is typed.
public struct InjectDialog {
    public var form: InjectForm

    public init(form: InjectForm) {
        self.form = form
    }

    public func draw(into grid: inout CellGrid, area: Rect) {
        let rect = Overlay.dialog(width: min(72, area.width), height: 7, in: area, grid: &grid)
        let inner = PaneBox(title: "Inject event", isFocused: true).draw(into: &grid, rect: rect)
        let labelWidth = 9
        let fieldWidth = inner.width - labelWidth - 1
        for field in InjectForm.Field.allCases where field.rawValue < inner.height {
            let y = inner.y + field.rawValue
            grid.write(field.label, x: inner.x + 1, y: y, role: field == form.focused ? .titleFocus : .dialog)
            guard fieldWidth > 0, let text = form.fields[field] else { continue }
            drawField(
                text, x: inner.x + labelWidth, y: y, width: fieldWidth, isFocused: field == form.focused, into: &grid)
        }
        let verdictRow = inner.y + 4
        guard verdictRow < inner.maxY, fieldWidth > 0 else { return }
        if let error = JSONText.validationError(form[.data]) {
            grid.write("✗ " + error, x: inner.x + labelWidth, y: verdictRow, role: .error, limit: fieldWidth)
        } else {
            grid.write("✓ valid JSON", x: inner.x + labelWidth, y: verdictRow, role: .ok, limit: fieldWidth)
        }
    }

    /// One field, scrolled horizontally so the cursor stays visible.
    private func drawField(_ field: TextField, x: Int, y: Int, width: Int, isFocused: Bool, into grid: inout CellGrid) {
        let start = isFocused ? max(0, field.cursor - width + 1) : 0
        let visible = field.text.dropFirst(start).prefix(width)
        if isFocused { grid.fill(Rect(x: x, y: y, width: width, height: 1), role: .input) }
        var column = 0
        for character in visible {
            grid[x + column, y] = Cell(TerminalText.displayable(character), role: isFocused ? .input : .dialog)
            column += 1
        }
        if isFocused {
            let cursorX = x + field.cursor - start
            let under = grid[cursorX, y].character
            grid[cursorX, y] = Cell(under, role: .selected)
        }
    }
}
