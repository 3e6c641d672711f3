/// Which rows of a list a pane shows: the first row such that the selected one is visible.
public enum Viewport {
    /// The index of the first visible row for a selection (nil follows the end of the list).
    public static func top(selected: Int?, rowCount: Int, visibleRows: Int) -> Int {
        guard visibleRows > 0, rowCount > visibleRows else { return 0 }
        let anchor = selected ?? (rowCount - 1)
        return min(max(0, anchor - visibleRows + 1), rowCount - visibleRows)
    }
}
