/// Reads a Laravel `.env` file the way phpdotenv does for the lines Laravel projects use: `KEY=value`,
/// `export KEY=value`, single and double quotes, `#` comments, and `${OTHER}` references.
package enum DotEnvFile {
    /// Parses `text`; `${NAME}` resolves to earlier entries of the file, then to `environment`.
    package static func parse(_ text: String, environment: [String: String] = [:]) -> [String: String] {
        var values: [String: String] = [:]
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).makeIterator()
        while let rawLine = lines.next() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            var rest = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            let value: String
            if rest.hasPrefix("\"") {
                // Double quotes may span lines and take escapes and references.
                var body = String(rest.dropFirst())
                while !hasClosingQuote(body), let next = lines.next() { body += "\n" + next }
                value = resolve(
                    unescape(String(body.prefix(upTo: closingQuoteIndex(body) ?? body.endIndex))), values, environment)
            } else if rest.hasPrefix("'") {
                rest.removeFirst()
                value = String(rest.prefix { $0 != "'" })
            } else {
                if let comment = rest.range(of: " #") { rest = String(rest[..<comment.lowerBound]) }
                value = resolve(rest.trimmingCharacters(in: .whitespaces), values, environment)
            }
            values[name] = value
        }
        return values
    }

    private static func closingQuoteIndex(_ body: String) -> String.Index? {
        var escaped = false
        for index in body.indices {
            let character = body[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return index
            }
        }
        return nil
    }

    private static func hasClosingQuote(_ body: String) -> Bool { closingQuoteIndex(body) != nil }

    private static func unescape(_ text: String) -> String {
        var out = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Replaces `${NAME}` with its value.
    private static func resolve(_ text: String, _ values: [String: String], _ environment: [String: String]) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = String(rest[open.upperBound..<close])
            out += environment[name] ?? values[name] ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}

import Foundation
