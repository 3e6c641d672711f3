/// The bottom line: the current scope's bindings from the key map, `key label` pairs, as many as fit.
public struct HintBar {
    public var keyMap: KeyMap

    public init(keyMap: KeyMap) {
        self.keyMap = keyMap
    }

    public func render(_ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        guard !rect.isEmpty else { return }
        var column = rect.x + 1
        for hint in keyMap.hints(for: state) {
            let needed = hint.key.count + 1 + hint.label.count
            guard column + needed <= rect.maxX else { break }
            column += grid.write(hint.key, x: column, y: rect.y, role: .hotkey)
            column += 1
            column += grid.write(hint.label, x: column, y: rect.y, role: .dim)
            column += 2
        }
    }
}
