/// The five focusable panes, in `tab` order; the raw value is the digit that focuses it.
public enum PaneID: Int, CaseIterable, Hashable, Sendable {
    case apps = 1
    case channels
    case presence
    case connections
    case stream

    public var title: String {
        switch self {
        case .apps: "Apps"
        case .channels: "Channels"
        case .presence: "Presence"
        case .connections: "Connections"
        case .stream: "Stream"
        }
    }

    /// The next pane in `tab` order, wrapping around.
    public var next: PaneID { PaneID(rawValue: rawValue % 5 + 1) ?? .apps }

    /// The previous pane in `tab` order, wrapping around.
    public var previous: PaneID { PaneID(rawValue: (rawValue + 3) % 5 + 1) ?? .stream }
}
