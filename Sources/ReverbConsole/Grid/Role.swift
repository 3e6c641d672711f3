/// The semantic style of one cell. Cells store roles, never colours, so goldens survive theme changes;
/// the theme turns each role into colours and attributes once at load.
public enum Role: UInt8, CaseIterable, Hashable, Sendable {
    case text
    case dim
    case title
    case titleFocus
    case border
    case borderFocus
    case columnHeader
    case selected
    case selectedUnfocused
    case hotkey
    case meterLabel
    case meterValue
    case ok
    case warn
    case error
    case presence
    case eventConnection
    case eventSubscription
    case eventChannel
    case eventMember
    case eventAPI
    case eventClient
    case eventMessage
    case eventError
    case eventPing
    case rateLow
    case rateMid
    case rateHigh
    case dialog
    case input
}
