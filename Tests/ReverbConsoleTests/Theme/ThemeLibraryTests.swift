import Foundation
import ReverbConsole
import Testing

@Suite struct ThemeLibraryTests {
    /// A temporary directory with the given theme files, removed afterwards.
    func withThemes(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        try body(directory)
    }

    @Test func loadsByNameAndByPath() throws {
        try withThemes(["ocean.theme": "theme[title]=\"#0000ff\"\n", "notes.txt": "x"]) { directory in
            let library = ThemeLibrary(directories: ["/nonexistent", directory])
            #expect(library.availableNames() == ["default", "ocean"])
            let byName = library.load("ocean")
            #expect(byName.warning == nil)
            #expect(byName.theme.name == "ocean")
            #expect(byName.theme.color(.borderFocus) == .rgb(0, 0, 0xFF))
            let byPath = library.load(directory + "/ocean.theme")
            #expect(byPath.theme == byName.theme)
        }
    }

    @Test func missingThemeFallsBackWithOneWarning() {
        let loaded = ThemeLibrary(directories: []).load("nope")
        #expect(loaded.theme == .default)
        #expect(loaded.warning == "theme nope not found; using the default theme")
        #expect(ThemeLibrary(directories: []).load(nil) == ThemeLibrary.Loaded(theme: .default, warning: nil))
    }

    @Test func brokenFileFallsBackWithoutCrashing() throws {
        try withThemes(["bad.theme": "garbage\u{0}\ntheme[title=\"#fff\"\ntheme[title]=\"#zzzzzz\"\n"]) { directory in
            let loaded = ThemeLibrary(directories: [directory]).load("bad")
            #expect(loaded.theme.color(.title) == Theme.default.color(.title))
            let warning = try #require(loaded.warning)
            #expect(warning.hasPrefix("theme bad.theme: line 1: expected"))
            #expect(warning.hasSuffix("(+2 more); defaults used there"))
            #expect(!warning.contains("\n"))
        }
    }

    @Test func searchOrderPutsTheUserDirectoryFirst() {
        #expect(
            ThemeLibrary.searchDirectories(environment: ["XDG_CONFIG_HOME": "/x"], configured: ["themes"])
                == ["/x/reverb-tui/themes", "themes"]
        )
        #expect(
            ThemeLibrary.searchDirectories(environment: ["HOME": "/home/u"], configured: [])
                == ["/home/u/.config/reverb-tui/themes"]
        )
    }

    /// The shipped themes parse without a warning and differ from each other.
    @Test func shippedThemesAreClean() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path
        let library = ThemeLibrary(directories: [root])
        let names = library.availableNames()
        for required in ["default", "light", "high-contrast", "tty"] { #expect(names.contains(required)) }
        var themes: Set<Theme> = []
        for name in names {
            let loaded = library.load(name)
            #expect(loaded.warning == nil, "\(name): \(loaded.warning ?? "")")
            themes.insert(loaded.theme)
        }
        #expect(themes.count == names.count)
        let tty = library.load("tty").theme
        for key in ThemeKey.allCases where tty.color(key) != .terminalDefault {
            #expect((0..<16).contains(tty.color(key).paletteIndex(for: .xterm256)), "\(key.rawValue)")
        }
    }
}
