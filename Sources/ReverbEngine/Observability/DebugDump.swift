/// The message block of a `--debug` line, as Reverb prints it: the JSON pretty-printed with four-space indents,
/// a `data` (and `data.channel_data`) that is a JSON string decoded first for readability, cut after 200
/// characters, each line numbered (`   1▕ {`). Text that is not JSON is shown as one line. Control characters
/// (ESC and the other C0/C1 codes) are always escaped, so a message cannot move the cursor or forge log lines.
enum DebugDump {
    static let limit = 200

    static func lines(_ text: String) -> [String] {
        var shown: String
        if let parsed = try? JSONParser.parse(text) {
            shown = pretty(decodingNestedData(parsed), indent: 0)
        } else {
            shown = escapedControls(text)
        }
        if shown.count > limit { shown = String(shown.prefix(limit)) + "..." }
        return shown.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            let number = String(index + 1)
            return String(repeating: " ", count: max(0, 4 - number.count)) + number + "▕ " + line
        }
    }

    /// `data` and `data.channel_data` sent as JSON strings, replaced by what they hold.
    static func decodingNestedData(_ value: JSONValue) -> JSONValue {
        guard case .object(var members) = value else { return value }
        for index in members.indices where members[index].key == "data" {
            var data = members[index].value
            if case .string(let text) = data, let inner = try? JSONParser.parse(text) { data = inner }
            if case .object(var inner) = data {
                for innerIndex in inner.indices where inner[innerIndex].key == "channel_data" {
                    if case .string(let text) = inner[innerIndex].value, let decoded = try? JSONParser.parse(text) {
                        inner[innerIndex].value = decoded
                    }
                }
                data = .object(inner)
            }
            members[index].value = data
        }
        return .object(members)
    }

    static func pretty(_ value: JSONValue, indent: Int) -> String {
        let pad = String(repeating: " ", count: (indent + 1) * 4)
        let closePad = String(repeating: " ", count: indent * 4)
        switch value {
        case .null, .bool, .number: return value.jsonText
        case .string(let text): return quoted(text)
        case .array(let elements):
            guard !elements.isEmpty else { return "[]" }
            let body = elements.map { pad + pretty($0, indent: indent + 1) }.joined(separator: ",\n")
            return "[\n" + body + "\n" + closePad + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let body = members.map { pad + quoted($0.key) + ": " + pretty($0.value, indent: indent + 1) }
                .joined(separator: ",\n")
            return "{\n" + body + "\n" + closePad + "}"
        }
    }

    private static func quoted(_ text: String) -> String { escapedControls(text.jsonQuoted) }

    /// DEL and the C1 controls are not escaped by JSON but act on terminals: show them as `\u` escapes too.
    static func escapedControls(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
