/// A mouse event at a cell.
public struct MouseEvent: Hashable, Sendable {
    /// What the mouse did.
    public enum Button: Hashable, Sendable {
        case press, wheelUp, wheelDown
    }

    public var button: Button
    public var x: Int
    public var y: Int

    public init(button: Button, x: Int, y: Int) {
        self.button = button
        self.x = x
        self.y = y
    }
}
