import Foundation
import ReverbConsole
import Testing

@Suite struct ThemeFileTests {
    @Test func parsesBtopValueForms() {
        let file = ThemeFile.parse(
            """
            # a comment
            theme[main_fg]="#A0b0C0"
              theme[title] = "#7f"
            theme[hi_fg]="255 128 0"
            theme[main_bg]=""

            """
        )
        #expect(file.warnings.isEmpty)
        #expect(file.overrides[.mainForeground] == .rgb(0xA0, 0xB0, 0xC0))
        #expect(file.overrides[.title] == .rgb(0x7F, 0x7F, 0x7F))
        #expect(file.overrides[.highlightForeground] == .rgb(255, 128, 0))
        #expect(file.overrides[.mainBackground] == .terminalDefault)
    }

    @Test func everyProblemIsAWarningWithItsLine() {
        let file = ThemeFile.parse(
            """
            theme[main_fg]="#12345"
            theme[cpu_box]="#ffffff"
            this is not a theme line
            theme[title]="300 0 0"
            theme[border]="#ff0000"
            """
        )
        #expect(
            file.warnings == [
                "line 1: main_fg has no colour in \"#12345\"",
                "line 2: unknown key cpu_box",
                "line 3: expected theme[key]=\"value\"",
                "line 4: title has no colour in \"300 0 0\"",
            ])
        #expect(file.overrides == [.border: .rgb(255, 0, 0)])
    }

    @Test func missingKeysFallBack() {
        let theme = Theme(name: "partial", overrides: [.title: .rgb(1, 2, 3), .eventServer: .rgb(4, 5, 6)])
        #expect(theme.color(.title) == .rgb(1, 2, 3))
        #expect(theme.color(.borderFocus) == .rgb(1, 2, 3))
        #expect(theme.color(.eventConnection) == .rgb(4, 5, 6))
        #expect(theme.color(.mainForeground) == Theme.default.color(.mainForeground))
        let explicit = Theme(name: "explicit", overrides: [.title: .rgb(1, 2, 3), .borderFocus: .rgb(9, 9, 9)])
        #expect(explicit.color(.borderFocus) == .rgb(9, 9, 9))
    }

    @Test func defaultThemeSetsEveryKey() {
        for key in ThemeKey.allCases where key != .mainBackground {
            #expect(Theme.default.color(key) != .terminalDefault, "\(key.rawValue)")
        }
    }

    @Test func warningsFoldIntoOneLine() {
        let file = ThemeFile.parse("theme[nope]=\"#000000\"\ntheme[also_nope]=\"#000000\"\n")
        let loaded = ThemeLibrary.theme(named: "broken", from: file, source: "themes/broken.theme")
        #expect(loaded.warning == "theme themes/broken.theme: line 1: unknown key nope (+1 more); defaults used there")
        #expect(loaded.theme.color(.title) == Theme.default.color(.title))
    }
}
