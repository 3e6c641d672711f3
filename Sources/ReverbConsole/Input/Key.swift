/// A decoded key press, independent of the terminal library that read it.
public enum Key: Hashable, Sendable {
    /// A printable character, including space.
    case character(Character)
    /// `ctrl` plus a letter, given in lower case (`ctrl-c` is `.control("c")`).
    case control(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    /// The terminal changed size.
    case resize
    /// A mouse button or wheel event, when mouse reporting is on.
    case mouse(MouseEvent)

    /// How the key is written in the help overlay and the hint bar.
    public var displayName: String {
        switch self {
        case .character(" "): "space"
        case .character(let character): String(character)
        case .control(let letter): "ctrl-\(letter)"
        case .enter: "enter"
        case .escape: "esc"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .backspace: "backspace"
        case .delete: "del"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "home"
        case .end: "end"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .resize: "resize"
        case .mouse: "mouse"
        }
    }
}
