import Foundation

/// Finds and loads themes: `--theme PATH` as given, a name in the search directories
/// (`$XDG_CONFIG_HOME/reverb-tui/themes`, then the configured ones, such as the repository's `themes/`),
/// and the compiled-in `default`. Loading never fails: problems become one warning line.
public struct ThemeLibrary: Sendable {
    /// A theme ready to use and at most one line saying what went wrong on the way.
    public struct Loaded: Hashable, Sendable {
        public var theme: Theme
        public var warning: String?

        public init(theme: Theme, warning: String?) {
            self.theme = theme
            self.warning = warning
        }
    }

    public let directories: [String]

    public init(directories: [String]) {
        self.directories = directories
    }

    /// The search directories for an environment and the configured theme directories.
    public static func searchDirectories(environment: [String: String], configured: [String]) -> [String] {
        var directories: [String] = []
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            directories.append(xdg + "/reverb-tui/themes")
        } else if let home = environment["HOME"], !home.isEmpty {
            directories.append(home + "/.config/reverb-tui/themes")
        }
        directories.append(contentsOf: configured)
        return directories
    }

    /// `default` first, then every `*.theme` found, by name, each once.
    public func availableNames() -> [String] {
        var names: Set<String> = []
        for directory in directories {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for entry in entries where entry.hasSuffix(".theme") {
                names.insert(String(entry.dropLast(".theme".count)))
            }
        }
        names.remove(Theme.default.name)
        return [Theme.default.name] + names.sorted()
    }

    /// Loads a theme by name or path; nil means the default theme.
    public func load(_ nameOrPath: String?) -> Loaded {
        guard let nameOrPath, !nameOrPath.isEmpty else { return load(Theme.default.name) }
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme")
        let path: String?
        if isPath {
            path = FileManager.default.fileExists(atPath: nameOrPath) ? nameOrPath : nil
        } else {
            path = directories.lazy.map { $0 + "/" + nameOrPath + ".theme" }
                .first { FileManager.default.fileExists(atPath: $0) }
        }
        guard let path else {
            if nameOrPath == Theme.default.name { return Loaded(theme: .default, warning: nil) }
            return Loaded(theme: .default, warning: "theme \(nameOrPath) not found; using the default theme")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            return Loaded(theme: .default, warning: "theme \(path) cannot be read; using the default theme")
        }
        let url = URL(fileURLWithPath: path)
        // The file name, not the whole path, so the warning fits on the flash line.
        return Self.theme(
            named: url.deletingPathExtension().lastPathComponent, from: ThemeFile.parse(text),
            source: url.lastPathComponent
        )
    }

    /// Builds a theme from a parsed file, folding its warnings into one line.
    public static func theme(named name: String, from file: ThemeFile, source: String) -> Loaded {
        let theme = Theme(name: name, overrides: file.overrides)
        guard let first = file.warnings.first else { return Loaded(theme: theme, warning: nil) }
        let more = file.warnings.count > 1 ? " (+\(file.warnings.count - 1) more)" : ""
        return Loaded(theme: theme, warning: "theme \(source): \(first)\(more); defaults used there")
    }
}
