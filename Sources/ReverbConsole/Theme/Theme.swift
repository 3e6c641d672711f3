/// A complete set of colours for every `ThemeKey`. `Theme.default` is the schema: theme files are
/// sparse overrides of it.
public struct Theme: Hashable, Sendable {
    public var name: String
    private var colors: [ThemeKey: ThemeColor]

    /// The compiled-in dark theme; every key has a value here.
    public static let `default` = Theme(
        name: "default",
        colors: [
            .mainBackground: .terminalDefault,
            .mainForeground: .rgb(0xD0, 0xD4, 0xDC),
            .title: .rgb(0xEE, 0xEE, 0xEE),
            .highlightForeground: .rgb(0xFF, 0x87, 0x5F),
            .selectedBackground: .rgb(0x26, 0x4F, 0x78),
            .selectedForeground: .rgb(0xFF, 0xFF, 0xFF),
            .inactiveForeground: .rgb(0x80, 0x86, 0x90),
            .dividerLine: .rgb(0x3A, 0x3A, 0x3A),
            .border: .rgb(0x58, 0x5E, 0x68),
            .borderFocus: .rgb(0x5F, 0xAF, 0xFF),
            .statusOK: .rgb(0x87, 0xD7, 0x87),
            .statusWarn: .rgb(0xFF, 0xD7, 0x5F),
            .statusError: .rgb(0xFF, 0x5F, 0x5F),
            .eventClient: .rgb(0xD7, 0x87, 0xFF),
            .eventServer: .rgb(0x5F, 0xD7, 0xD7),
            .eventAPI: .rgb(0xFF, 0xAF, 0x5F),
            .eventError: .rgb(0xFF, 0x5F, 0x5F),
            .eventConnection: .rgb(0x87, 0xAF, 0xFF),
            .eventChannel: .rgb(0x5F, 0xAF, 0x87),
            .presence: .rgb(0xAF, 0xD7, 0x5F),
            .rateStart: .rgb(0x5F, 0xAF, 0x5F),
            .rateMid: .rgb(0xD7, 0xAF, 0x00),
            .rateEnd: .rgb(0xD7, 0x5F, 0x5F),
        ])

    private init(name: String, colors: [ThemeKey: ThemeColor]) {
        self.name = name
        self.colors = colors
    }

    /// The default theme with `overrides` applied. A key the overrides leave out takes the override of
    /// its fallback key when there is one (`border_focus` ← `title`), else the default.
    public init(name: String, overrides: [ThemeKey: ThemeColor]) {
        var colors: [ThemeKey: ThemeColor] = [:]
        for key in ThemeKey.allCases {
            colors[key] = overrides[key] ?? key.fallback.flatMap { overrides[$0] } ?? Theme.default.color(key)
        }
        self.init(name: name, colors: colors)
    }

    /// The colour of one key.
    public func color(_ key: ThemeKey) -> ThemeColor {
        colors[key] ?? .terminalDefault
    }
}
