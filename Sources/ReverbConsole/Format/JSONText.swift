import Foundation

/// JSON as text: validation for the inject form and an order-preserving pretty printer for the detail view.
public enum JSONText {
    /// Why a text is not JSON, or nil when it is. Any JSON value is accepted (objects, strings, numbers…).
    public static func validationError(_ text: String) -> String? {
        JSONValidator.problem(in: text)
    }

    /// The text re-indented by two spaces per level, keys in their original order. Text that is
    /// not JSON comes back split into its lines unchanged.
    public static func prettyLines(_ text: String) -> [String] {
        guard validationError(text) == nil else {
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        var lines: [String] = []
        var line = ""
        var depth = 0
        var inString = false
        var escaped = false
        let characters = Array(text)
        var index = 0

        func newLine() {
            lines.append(line)
            line = String(repeating: "  ", count: depth)
        }

        func nextSignificant(after position: Int) -> Character? {
            var cursor = position + 1
            while cursor < characters.count {
                if !characters[cursor].isWhitespace { return characters[cursor] }
                cursor += 1
            }
            return nil
        }

        while index < characters.count {
            let character = characters[index]
            if inString {
                line.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
            } else {
                switch character {
                case "\"":
                    inString = true
                    line.append(character)
                case "{", "[":
                    line.append(character)
                    let closing: Character = character == "{" ? "}" : "]"
                    if let next = nextSignificant(after: index), next == closing {
                        line.append(closing)
                        while characters[index] != closing { index += 1 }
                    } else {
                        depth += 1
                        newLine()
                    }
                case "}", "]":
                    depth -= 1
                    newLine()
                    line.append(character)
                case ",":
                    line.append(character)
                    newLine()
                case ":":
                    line.append(": ")
                default:
                    if !character.isWhitespace { line.append(character) }
                }
            }
            index += 1
        }
        lines.append(line)
        return lines
    }

    /// The string inside a JSON object's `"data"` member when it is itself JSON text (Pusher
    /// double-encodes event data), so the detail view can show it decoded.
    public static func embeddedData(in text: String) -> String? {
        guard
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let data = object["data"] as? String,
            validationError(data) == nil
        else { return nil }
        return data
    }

    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        result += "\""
        return result
    }
}
