import ReverbEngine

/// JSON as text for the console, on top of the engine's strict, order-preserving `JSONParser`:
/// validation for the inject form and a pretty printer for the detail view.
public enum JSONText {
    /// Why a text is not JSON ("expected ',' or '}' at 9"), or nil when it is. Any JSON value is accepted.
    public static func validationError(_ text: String) -> String? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return "\(error.reason) at \(error.offset + 1)"
        }
    }

    /// The text re-indented by two spaces per level, members in their original order and numbers as
    /// written. Text that is not JSON comes back split into its lines unchanged.
    public static func prettyLines(_ text: String) -> [String] {
        guard let value = try? JSONParser.parse(text) else {
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        var lines: [String] = []
        var line = ""
        append(value, depth: 0, to: &line, lines: &lines)
        lines.append(line)
        return lines
    }

    /// The string inside a JSON object's `"data"` member when it is itself JSON text (Pusher
    /// double-encodes event data), so the detail view can show it decoded.
    public static func embeddedData(in text: String) -> String? {
        guard let data = (try? JSONParser.parse(text))?["data"]?.stringValue, validationError(data) == nil else {
            return nil
        }
        return data
    }

    private static func append(_ value: JSONValue, depth: Int, to line: inout String, lines: inout [String]) {
        func newLine(_ depth: Int) {
            lines.append(line)
            line = String(repeating: "  ", count: depth)
        }
        switch value {
        case .null: line += "null"
        case .bool(let flag): line += flag ? "true" : "false"
        case .number(let literal): line += literal
        case .string(let text): line += text.jsonQuoted
        case .array(let elements):
            guard !elements.isEmpty else {
                line += "[]"
                return
            }
            line += "["
            for (index, element) in elements.enumerated() {
                newLine(depth + 1)
                append(element, depth: depth + 1, to: &line, lines: &lines)
                if index < elements.count - 1 { line += "," }
            }
            newLine(depth)
            line += "]"
        case .object(let members):
            guard !members.isEmpty else {
                line += "{}"
                return
            }
            line += "{"
            for (index, member) in members.enumerated() {
                newLine(depth + 1)
                line += member.key.jsonQuoted + ": "
                append(member.value, depth: depth + 1, to: &line, lines: &lines)
                if index < members.count - 1 { line += "," }
            }
            newLine(depth)
            line += "}"
        }
    }
}
