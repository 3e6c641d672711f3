/// How a role is drawn: which theme keys give its colours, its attributes, and the attributes
/// that stand in for colour when there is none (`NO_COLOR`).
public struct RoleStyle: Hashable, Sendable {
    public var foreground: ThemeKey
    public var background: ThemeKey
    public var attributes: TextAttributes
    public var monochromeAttributes: TextAttributes

    public init(
        _ foreground: ThemeKey, on background: ThemeKey = .mainBackground, attributes: TextAttributes = [],
        monochrome: TextAttributes? = nil
    ) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
        self.monochromeAttributes = monochrome ?? attributes
    }

    /// The style of every role: the one place that says which colour slot paints what.
    public static func of(_ role: Role) -> RoleStyle {
        switch role {
        case .text: RoleStyle(.mainForeground)
        case .dim: RoleStyle(.inactiveForeground, monochrome: .dim)
        case .title: RoleStyle(.title, attributes: .bold)
        case .titleFocus: RoleStyle(.borderFocus, attributes: .bold, monochrome: [.bold, .underline])
        case .border: RoleStyle(.border, monochrome: .dim)
        case .borderFocus: RoleStyle(.borderFocus, attributes: .bold)
        case .columnHeader: RoleStyle(.inactiveForeground, attributes: .bold)
        case .selected: RoleStyle(.selectedForeground, on: .selectedBackground, attributes: .bold, monochrome: .reverse)
        case .selectedUnfocused: RoleStyle(.mainForeground, on: .dividerLine, monochrome: .underline)
        case .hotkey: RoleStyle(.highlightForeground, attributes: .bold)
        case .meterLabel: RoleStyle(.inactiveForeground)
        case .meterValue: RoleStyle(.mainForeground, attributes: .bold)
        case .ok: RoleStyle(.statusOK)
        case .warn: RoleStyle(.statusWarn, attributes: .bold)
        case .error: RoleStyle(.statusError, attributes: .bold)
        case .presence: RoleStyle(.presence)
        case .eventConnection: RoleStyle(.eventConnection)
        case .eventSubscription: RoleStyle(.eventServer)
        case .eventChannel: RoleStyle(.eventChannel)
        case .eventMember: RoleStyle(.presence)
        case .eventAPI: RoleStyle(.eventAPI)
        case .eventClient: RoleStyle(.eventClient)
        case .eventMessage: RoleStyle(.mainForeground)
        case .eventError: RoleStyle(.eventError, attributes: .bold)
        case .eventPing: RoleStyle(.inactiveForeground, monochrome: .dim)
        case .rateLow: RoleStyle(.rateStart)
        case .rateMid: RoleStyle(.rateMid)
        case .rateHigh: RoleStyle(.rateEnd, attributes: .bold)
        case .dialog: RoleStyle(.mainForeground)
        case .input: RoleStyle(.selectedForeground, on: .dividerLine, monochrome: .underline)
        }
    }
}
