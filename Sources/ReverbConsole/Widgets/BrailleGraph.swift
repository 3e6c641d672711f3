/// A filled area graph in braille (btop style): each cell holds two samples side by side and four levels
/// top to bottom, so a graph `height` rows tall resolves `4 × height` levels. The newest sample is at the right
/// edge; values are scaled to `peak` (the largest value when not given). Colour by height: `rate_start/mid/end` for the bottom, middle and top third of the rows.
public struct BrailleGraph {
    /// Dot bits of a braille cell's left and right columns, bottom dot first.
    private static let leftDots: [UInt32] = [0x40, 0x04, 0x02, 0x01]
    private static let rightDots: [UInt32] = [0x80, 0x20, 0x10, 0x08]

    public var values: ArraySlice<Double>
    public var peak: Double?

    public init(values: ArraySlice<Double>, peak: Double? = nil) {
        self.values = values
        self.peak = peak
    }

    public func draw(into grid: inout CellGrid, rect: Rect) {
        guard !rect.isEmpty else { return }
        let shown = values.suffix(rect.width * 2)
        let top = peak ?? (shown.max() ?? 0)
        let levels = rect.height * 4
        // Levels per sample, right-aligned: the last sample lands in the right column of the last cell.
        var heights = Array(repeating: 0, count: rect.width * 2 - shown.count)
        heights.reserveCapacity(rect.width * 2)
        for value in shown {
            guard top > 0, value > 0 else {
                heights.append(0)
                continue
            }
            // Anything above zero shows at least one dot, so a quiet minute is not mistaken for an idle one.
            heights.append(max(1, min(levels, Int((value / top * Double(levels)).rounded()))))
        }
        for row in 0..<rect.height {
            let floor = (rect.height - 1 - row) * 4
            let fromBottom = rect.height - 1 - row
            let role: Role =
                fromBottom * 3 < rect.height ? .rateLow : fromBottom * 3 < rect.height * 2 ? .rateMid : .rateHigh
            for column in 0..<rect.width {
                var bits: UInt32 = 0
                let left = min(4, max(0, heights[column * 2] - floor))
                let right = min(4, max(0, heights[column * 2 + 1] - floor))
                for dot in 0..<left { bits |= Self.leftDots[dot] }
                for dot in 0..<right { bits |= Self.rightDots[dot] }
                let character: Character = bits == 0 ? " " : Character(Unicode.Scalar(0x2800 + bits)!)
                grid[rect.x + column, rect.y + row] = Cell(character, role: bits == 0 ? .text : role)
            }
        }
    }
}
