/// A bar `fraction` of `width` cells long, in eighths of a cell (`▏▎▍▌▋▊▉█`); at least a sliver when above zero.
public struct HorizontalBar {
    private static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    public var fraction: Double

    public init(fraction: Double) {
        self.fraction = fraction
    }

    public func draw(into grid: inout CellGrid, x: Int, y: Int, width: Int, role: Role) {
        guard width > 0, fraction > 0 else { return }
        let total = max(1, min(width * 8, Int((fraction * Double(width * 8)).rounded())))
        for cell in 0..<(total / 8) { grid[x + cell, y] = Cell("█", role: role) }
        if total % 8 > 0 { grid[x + total / 8, y] = Cell(Self.eighths[total % 8 - 1], role: role) }
    }
}
