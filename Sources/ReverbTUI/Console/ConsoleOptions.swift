/// How the executable configures the console: `--theme`, `NO_COLOR`, and where theme files live.
struct ConsoleOptions: Sendable {
    /// `--theme NAME|PATH`; nil for the default theme.
    var theme: String?
    /// `NO_COLOR` is set: bold and reverse only.
    var noColor: Bool
    /// Directories searched for `NAME.theme` after `$XDG_CONFIG_HOME/reverb-tui/themes`.
    var themeDirectories: [String]
}
