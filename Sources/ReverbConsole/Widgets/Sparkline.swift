/// A one-row bar chart of recent values, scaled to their maximum and coloured low → high
/// with the theme's `rate_start/mid/end`.
public struct Sparkline {
    private static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    public var values: ArraySlice<Double>

    public init(values: ArraySlice<Double>) {
        self.values = values
    }

    public func draw(into grid: inout CellGrid, x: Int, y: Int) {
        let peak = values.max() ?? 0
        for (offset, value) in values.enumerated() {
            let level = peak > 0 ? min(7, Int((value / peak * 7).rounded())) : 0
            let role: Role = level < 3 ? .rateLow : level < 6 ? .rateMid : .rateHigh
            grid[x + offset, y] = Cell(Self.bars[level], role: role)
        }
    }
}
