/// What a key means to the console, independent of which key it was.
public enum Action: Hashable, Sendable {
    case toggleHelp
    case requestQuit
    case focusNext
    case focusPrevious
    case focus(PaneID)
    case moveUp
    case moveDown
    case pageUp
    case pageDown
    case moveToTop
    case moveToBottom
    case beginFilter
    case clearFilter
    case toggleCategory(StreamCategory)
    case togglePause
    case openDetail
    case kick
    case terminateUser
    case inject
    case export
    case cycleTheme
    case toggleMouse
    case toggleMetrics
    /// Yes / submit in a dialog.
    case confirm
    /// No / close in a dialog.
    case cancel
    /// Ctrl-C: a reflex, so it only ever agrees to quitting, never to a destructive command.
    case interrupt
    case nextField
    case previousField
    case insertText(Character)
    case deleteBackward
    case deleteForward
    case cursorLeft
    case cursorRight
    case cursorHome
    case cursorEnd
    case clearField
    case click(x: Int, y: Int)
}
