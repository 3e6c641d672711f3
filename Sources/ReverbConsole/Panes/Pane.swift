/// Something drawn into a rectangle of the grid from one frame's model and the console state.
/// Panes never touch the terminal (ratatui's `Widget`, k9s `render`).
public protocol Pane {
    func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect)
}
