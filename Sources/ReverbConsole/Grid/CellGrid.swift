/// A width × height grid of cells that panes draw into. Pure and `Equatable`: the terminal adapter
/// flushes it, tests compare its `lines()` with expected text.
public struct CellGrid: Equatable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    private var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The whole grid as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// Blanks every cell and adopts a new size, reusing storage where it can.
    public mutating func reset(width newWidth: Int, height newHeight: Int) {
        width = max(0, newWidth)
        height = max(0, newHeight)
        let count = width * height
        if cells.count == count {
            for index in cells.indices { cells[index] = .blank }
        } else {
            cells.removeAll(keepingCapacity: true)
            cells.append(contentsOf: repeatElement(.blank, count: count))
        }
    }

    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return .blank }
            return cells[y * width + x]
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from (`x`, `y`) in `role`, clipped to `limit` columns and to the grid; a text that
    /// does not fit ends in `…`. Returns the columns written.
    @discardableResult
    public mutating func write(
        _ text: some StringProtocol, x: Int, y: Int, role: Role, limit: Int? = nil
    ) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let end = min(limit.map { x + $0 } ?? width, width)
        guard end > x else { return 0 }
        var column = 0
        var remaining = text.count
        for character in text {
            let px = x + column
            if px == end { break }
            let glyph: Character = px == end - 1 && remaining > 1 ? "…" : TerminalText.displayable(character)
            if px >= 0 { cells[y * width + px] = Cell(glyph, role: role) }
            column += 1
            remaining -= 1
        }
        return column
    }

    /// Fills `rect` (clipped) with `character` in `role`.
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: Role) {
        let x0 = max(rect.x, 0)
        let y0 = max(rect.y, 0)
        let x1 = min(rect.maxX, width)
        let y1 = min(rect.maxY, height)
        guard x0 < x1, y0 < y1 else { return }
        let cell = Cell(character, role: role)
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * width + x] = cell }
        }
    }

    /// Gives every cell of `rect` (clipped) a new role, keeping its character: used for selection bars.
    public mutating func paint(_ rect: Rect, role: Role) {
        let x0 = max(rect.x, 0)
        let y0 = max(rect.y, 0)
        let x1 = min(rect.maxX, width)
        let y1 = min(rect.maxY, height)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * width + x].role = role }
        }
    }

    /// One row of cells (empty when out of range).
    public func row(_ y: Int) -> ArraySlice<Cell> {
        guard y >= 0, y < height else { return [] }
        return cells[(y * width)..<((y + 1) * width)]
    }

    /// The grid as text, one string per row with trailing spaces removed: the golden format.
    public func lines() -> [String] {
        (0..<height).map { y in
            var line = String(row(y).map(\.character))
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The roles of one row as one character each (see `Role.code`), for asserting colours in tests.
    public func roleCodes(row y: Int) -> String {
        String(row(y).map(\.role.code))
    }
}
