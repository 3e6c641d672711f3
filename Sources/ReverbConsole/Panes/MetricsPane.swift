/// Connections and messages in and out per second over the last minutes, as braille area graphs (btop style),
/// each under a line with its current value and the peak of what is shown.
public struct MetricsPane: Pane {
    public init() {}

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        let metrics = model.metrics
        let inner = PaneBox(
            title: "Metrics", status: "last \(DisplayFormat.duration(Self.span(metrics, width: rect.width - 2)))",
            statusRole: .dim, isFocused: false
        ).draw(into: &grid, rect: rect)
        guard !inner.isEmpty else { return }
        let series: [(String, [Double], (Double) -> String)] = [
            ("connections", metrics.connections, { String(Int($0)) }),
            ("messages in", metrics.messagesIn, { DisplayFormat.rate($0) + "/s" }),
            ("messages out", metrics.messagesOut, { DisplayFormat.rate($0) + "/s" }),
        ]
        let sectionHeight = inner.height / series.count
        guard sectionHeight >= 1 else { return }
        for (index, (label, values, format)) in series.enumerated() {
            let section = Rect(
                x: inner.x, y: inner.y + index * sectionHeight, width: inner.width,
                height: index == series.count - 1 ? inner.height - index * sectionHeight : sectionHeight)
            let shown = values.suffix(section.width * 2)
            var column = grid.write(label + " ", x: section.x, y: section.y, role: .meterLabel, limit: section.width)
            column += grid.write(
                values.last.map(format) ?? "-", x: section.x + column, y: section.y, role: .meterValue,
                limit: section.width - column)
            if let peak = shown.max() {
                grid.write(
                    "  peak \(format(peak))", x: section.x + column, y: section.y, role: .dim,
                    limit: section.width - column)
            }
            BrailleGraph(values: shown).draw(
                into: &grid,
                rect: Rect(x: section.x, y: section.y + 1, width: section.width, height: section.height - 1))
        }
    }

    /// How much time a graph `width` cells wide shows (two samples per cell).
    static func span(_ metrics: MetricsHistory, width: Int) -> Double {
        Double(min(metrics.messagesIn.count, max(0, width) * 2)) * metrics.sampleSeconds
    }
}
