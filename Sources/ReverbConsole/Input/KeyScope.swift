/// Where a binding applies: everywhere, in one focused pane, or inside one dialog.
public enum KeyScope: Hashable, Sendable {
    case global
    case pane(PaneID)
    case modal(ModalKind)

    /// The heading of this scope in the help overlay.
    public var title: String {
        switch self {
        case .global: "Global"
        case .pane(let pane): pane.title
        case .modal(.help): "Help"
        case .modal(.detail): "Details"
        case .modal(.kickPicker): "Kick"
        case .modal(.confirm): "Confirm"
        case .modal(.inject): "Inject"
        case .modal(.filter): "Filter"
        }
    }
}
