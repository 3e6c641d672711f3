/// The line above the hints that reports the last result ("delivered to 12 connections").
public struct FlashLine {
    public init() {}

    public func render(_ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        guard !rect.isEmpty, let flash = state.flash else { return }
        let role: Role =
            switch flash.kind {
            case .info: .text
            case .success: .ok
            case .failure: .error
            }
        grid.write(flash.text, x: rect.x + 1, y: rect.y, role: role, limit: rect.width - 1)
    }
}
