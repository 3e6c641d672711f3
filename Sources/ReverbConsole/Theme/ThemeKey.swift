/// A colour slot a theme file may set, named as in btop where the meaning matches.
public enum ThemeKey: String, CaseIterable, Hashable, Sendable {
    case mainBackground = "main_bg"
    case mainForeground = "main_fg"
    case title
    case highlightForeground = "hi_fg"
    case selectedBackground = "selected_bg"
    case selectedForeground = "selected_fg"
    case inactiveForeground = "inactive_fg"
    case dividerLine = "div_line"
    case border
    case borderFocus = "border_focus"
    case statusOK = "status_ok"
    case statusWarn = "status_warn"
    case statusError = "status_error"
    case eventClient = "event_client"
    case eventServer = "event_server"
    case eventAPI = "event_api"
    case eventError = "event_error"
    case eventConnection = "event_connection"
    case eventChannel = "event_channel"
    case presence
    case rateStart = "rate_start"
    case rateMid = "rate_mid"
    case rateEnd = "rate_end"

    /// The key whose value this one takes when neither the file nor the default sets it.
    public var fallback: ThemeKey? {
        switch self {
        case .borderFocus: .title
        case .eventConnection, .eventChannel: .eventServer
        case .rateMid: .rateStart
        default: nil
        }
    }
}
