import ReverbEngine

/// The metrics view (`v`), in place of the five panes: the rate graphs on top, the latency distribution and the
/// nodes below; on a short body only the graphs.
public struct MetricsView: Pane {
    /// Rows the latency pane needs to show every bucket inside its border.
    static let latencyRows = LatencyHistogramSnapshot.bucketCount + 2

    public init() {}

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        guard !rect.isEmpty else { return }
        guard rect.height >= 16 else {
            MetricsPane().render(model, state, into: &grid, rect: rect)
            return
        }
        let (graphs, below) = rect.splitTop(rect.height - min(Self.latencyRows, rect.height / 2))
        MetricsPane().render(model, state, into: &grid, rect: graphs)
        let (latency, nodes) = below.splitLeft(below.width / 2)
        LatencyPane().render(model, state, into: &grid, rect: latency)
        NodesPane().render(model, state, into: &grid, rect: nodes)
    }
}
