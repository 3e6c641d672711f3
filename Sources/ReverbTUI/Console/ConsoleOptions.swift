import Foundation

/// How the executable configures the console: `--theme`, `NO_COLOR`, and where theme files live.
struct ConsoleOptions: Sendable {
    /// `--theme NAME|PATH`; nil for the default theme.
    var theme: String?
    /// `NO_COLOR` is set: bold and reverse only.
    var noColor: Bool
    /// Directories searched for `NAME.theme` after `$XDG_CONFIG_HOME/reverb-tui/themes`.
    var themeDirectories: [String]

    /// Options for this process: `NO_COLOR` when set and not empty (no-color.org), and the `themes/`
    /// folders next to the working directory, next to an installed binary (`../share/reverb-tui/themes`)
    /// and in the package checkout a debug or release build runs from (`.build/<config>/../../themes`).
    static func current(theme: String?) -> ConsoleOptions {
        let environment = ProcessInfo.processInfo.environment
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let directories = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("themes"),
            executable.appendingPathComponent("../share/reverb-tui/themes"),
            executable.appendingPathComponent("../../themes"),
            executable.appendingPathComponent("../../../themes"),
        ].map { $0.standardizedFileURL.path }
        var unique: [String] = []
        for directory in directories where !unique.contains(directory) { unique.append(directory) }
        return ConsoleOptions(
            theme: theme, noColor: !(environment["NO_COLOR"] ?? "").isEmpty, themeDirectories: unique
        )
    }
}
