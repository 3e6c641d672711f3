extension Role {
    /// A one-character code per role so tests can assert colours as text (`.` is plain text).
    public var code: Character {
        switch self {
        case .text: "."
        case .dim: "d"
        case .title: "t"
        case .titleFocus: "T"
        case .border: "b"
        case .borderFocus: "B"
        case .columnHeader: "h"
        case .selected: "S"
        case .selectedUnfocused: "s"
        case .hotkey: "K"
        case .meterLabel: "l"
        case .meterValue: "v"
        case .ok: "o"
        case .warn: "w"
        case .error: "E"
        case .presence: "p"
        case .eventConnection: "1"
        case .eventSubscription: "2"
        case .eventChannel: "3"
        case .eventMember: "4"
        case .eventAPI: "5"
        case .eventClient: "6"
        case .eventMessage: "7"
        case .eventError: "8"
        case .eventPing: "9"
        case .rateLow: "r"
        case .rateMid: "m"
        case .rateHigh: "R"
        case .dialog: "D"
        case .input: "I"
        }
    }
}
