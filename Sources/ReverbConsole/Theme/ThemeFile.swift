/// The contents of one btop-style `.theme` file: `theme[key]="value"` lines and `#` comments.
/// Parsing never fails; what it cannot use becomes a warning.
public struct ThemeFile: Hashable, Sendable {
    public var overrides: [ThemeKey: ThemeColor]
    public var warnings: [String]

    public init(overrides: [ThemeKey: ThemeColor] = [:], warnings: [String] = []) {
        self.overrides = overrides
        self.warnings = warnings
    }

    /// Parses the text of a theme file.
    public static func parse(_ text: String) -> ThemeFile {
        var file = ThemeFile()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { continue }
            let number = offset + 1
            guard let (name, value) = assignment(in: line) else {
                file.warnings.append("line \(number): expected theme[key]=\"value\"")
                continue
            }
            guard let key = ThemeKey(rawValue: name) else {
                file.warnings.append("line \(number): unknown key \(name)")
                continue
            }
            guard let color = ThemeColor(parsing: value) else {
                file.warnings.append("line \(number): \(name) has no colour in \"\(value)\"")
                continue
            }
            file.overrides[key] = color
        }
        return file
    }

    /// Splits `theme[name]="value"` into name and value; nil when the line has another shape.
    private static func assignment(in line: Substring) -> (String, String)? {
        guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]") else { return nil }
        let name = line[line.index(line.startIndex, offsetBy: 6)..<close]
        var rest = line[line.index(after: close)...].drop { $0 == " " }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        while let last = rest.last, last == " " || last == "\t" || last == "\r" { rest = rest.dropLast() }
        guard rest.count >= 2, rest.first == "\"", rest.last == "\"" else { return nil }
        return (String(name), String(rest.dropFirst().dropLast()))
    }
}
