import Foundation

/// A colour as a theme file gives it: the terminal's default, or a 24-bit RGB value.
public enum ThemeColor: Hashable, Sendable {
    case terminalDefault
    case rgb(UInt8, UInt8, UInt8)

    /// Parses btop's value forms: `#RRGGBB`, `#GG` (a grey), `R G B` in decimal, or empty for the default.
    public init?(parsing value: String) {
        let text = value.trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            self = .terminalDefault
        } else if text.hasPrefix("#") {
            let hex = text.dropFirst()
            guard hex.allSatisfy(\.isHexDigit) else { return nil }
            if hex.count == 6, let value = UInt32(hex, radix: 16) {
                self = .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
            } else if hex.count == 2, let grey = UInt8(hex, radix: 16) {
                self = .rgb(grey, grey, grey)
            } else {
                return nil
            }
        } else {
            let parts = text.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 3 else { return nil }
            let channels = parts.compactMap { UInt8($0) }
            guard channels.count == 3 else { return nil }
            self = .rgb(channels[0], channels[1], channels[2])
        }
    }

    /// The colour's index in the terminal's palette for `tier` (-1 is the terminal default).
    public func paletteIndex(for tier: ColorTier) -> Int {
        guard case .rgb(let red, let green, let blue) = self else { return -1 }
        switch tier {
        case .monochrome: return -1
        case .ansi16: return Palette.nearestANSI(red, green, blue)
        case .xterm256: return Palette.nearestXterm256(red, green, blue)
        }
    }
}
