/// A dialog or overlay drawn over the panes; while one is open it receives every key.
public enum Modal: Hashable, Sendable {
    /// The key reference, scrolled by `offset` lines.
    case help(offset: Int)
    /// Full details of one row, scrolled by `offset` lines.
    case detail(DetailContent, offset: Int)
    /// Choosing a close code for kicking a connection.
    case kickPicker(appID: String, socketID: String, choice: Int)
    /// A yes/no question guarding a consequential action.
    case confirm(Confirmation)
    /// The inject-event form.
    case inject(InjectForm)
    /// Editing the stream filter; keys edit the text live.
    case filter(TextField)

    /// The modal's key scope.
    public var kind: ModalKind {
        switch self {
        case .help: .help
        case .detail: .detail
        case .kickPicker: .kickPicker
        case .confirm: .confirm
        case .inject: .inject
        case .filter: .filter
        }
    }
}
