/// Rules for putting arbitrary text into single-width cells.
public enum TerminalText {
    /// A character that occupies exactly one terminal column: control characters become `·`
    /// and double-width characters (CJK, emoji) become `?`, so a payload can never break a pane's borders.
    public static func displayable(_ character: Character) -> Character {
        guard let scalar = character.unicodeScalars.first else { return " " }
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return "·" }
        if value < 0x1100 { return character }
        if isWide(value) { return "?" }
        return character
    }

    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
