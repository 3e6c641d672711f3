/// The `?` overlay: the key map's help lines, headings per scope.
public struct HelpOverlay {
    public var keyMap: KeyMap

    public init(keyMap: KeyMap) {
        self.keyMap = keyMap
    }

    public func draw(offset: Int, into grid: inout CellGrid, area: Rect) {
        ScrollingTextOverlay(title: "Keys", lines: keyMap.helpLines(), offset: offset) { line in
            !line.isEmpty && !line.hasPrefix(" ")
        }.draw(into: &grid, area: area)
    }
}
