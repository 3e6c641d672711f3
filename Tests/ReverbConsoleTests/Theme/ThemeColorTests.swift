import ReverbConsole
import Testing

@Suite struct ThemeColorTests {
    @Test func downsamplesToXterm256() {
        #expect(ThemeColor.rgb(0, 0, 0).paletteIndex(for: .xterm256) == 0)
        #expect(ThemeColor.rgb(0xFF, 0, 0).paletteIndex(for: .xterm256) == 9)
        #expect(ThemeColor.rgb(0x5F, 0xAF, 0xFF).paletteIndex(for: .xterm256) == 75)
        #expect(ThemeColor.rgb(0xFF, 0x87, 0x5F).paletteIndex(for: .xterm256) == 209)
        #expect(ThemeColor.rgb(0x3A, 0x3A, 0x3A).paletteIndex(for: .xterm256) == 237)
        #expect(ThemeColor.rgb(0x80, 0x86, 0x90).paletteIndex(for: .xterm256) == 102)
        #expect(ThemeColor.terminalDefault.paletteIndex(for: .xterm256) == -1)
    }

    @Test func downsamplesToSixteen() {
        #expect(ThemeColor.rgb(0xFF, 0x5F, 0x5F).paletteIndex(for: .ansi16) == 9)
        #expect(ThemeColor.rgb(0x26, 0x4F, 0x78).paletteIndex(for: .ansi16) == 4)
        #expect(ThemeColor.rgb(0xD0, 0xD4, 0xDC).paletteIndex(for: .ansi16) == 7)
        #expect(ThemeColor.rgb(0x87, 0xD7, 0x87).paletteIndex(for: .ansi16) == 10)
        #expect(ThemeColor.rgb(0x10, 0x10, 0x10).paletteIndex(for: .ansi16) == 0)
    }

    @Test func monochromeHasNoColours() {
        #expect(ThemeColor.rgb(0xFF, 0, 0).paletteIndex(for: .monochrome) == -1)
    }

    @Test func tierFromTerminal() {
        #expect(ColorTier(colors: 256, noColor: false) == .xterm256)
        #expect(ColorTier(colors: 16_777_216, noColor: false) == .xterm256)
        #expect(ColorTier(colors: 8, noColor: false) == .ansi16)
        #expect(ColorTier(colors: 16, noColor: false) == .ansi16)
        #expect(ColorTier(colors: 0, noColor: false) == .monochrome)
        #expect(ColorTier(colors: 256, noColor: true) == .monochrome)
    }

    @Test func rejectsMalformedValues() {
        for value in ["#12", "#GGGGGG", "#1234567", "1 2", "1 2 3 4", "256 0 0", "red"] where value != "#12" {
            #expect(ThemeColor(parsing: value) == nil, "\(value)")
        }
        #expect(ThemeColor(parsing: "#12") == .rgb(0x12, 0x12, 0x12))
    }

    @Test func selectionStandsOutWithoutColour() {
        #expect(RoleStyle.of(.selected).monochromeAttributes == .reverse)
        #expect(RoleStyle.of(.titleFocus).monochromeAttributes.contains(.bold))
    }
}
