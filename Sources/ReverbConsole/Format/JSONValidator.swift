/// A strict RFC 8259 checker that says where a text stops being JSON ("expected value at 5").
/// Foundation's parser is lenient on some platforms (it accepts `[1,]`), and the inject form promises
/// real JSON.
struct JSONValidator {
    private let bytes: [UInt8]
    private var index = 0

    /// Why `text` is not JSON, or nil when it is.
    static func problem(in text: String) -> String? {
        var validator = JSONValidator(bytes: Array(text.utf8))
        return validator.validateDocument()
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func validateDocument() -> String? {
        skipWhitespace()
        if index == bytes.count { return "empty" }
        if let problem = value(depth: 0) { return problem }
        skipWhitespace()
        return index == bytes.count ? nil : "unexpected text at \(index + 1)"
    }

    private mutating func value(depth: Int) -> String? {
        guard depth < 512 else { return "nested too deeply" }
        skipWhitespace()
        guard index < bytes.count else { return "expected a value at \(index + 1)" }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    private mutating func object(depth: Int) -> String? {
        index += 1
        skipWhitespace()
        if consume("}") { return nil }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return "expected a key at \(index + 1)" }
            if let problem = string() { return problem }
            skipWhitespace()
            guard consume(":") else { return "expected ':' at \(index + 1)" }
            if let problem = value(depth: depth + 1) { return problem }
            skipWhitespace()
            if consume("}") { return nil }
            guard consume(",") else { return "expected ',' or '}' at \(index + 1)" }
        }
    }

    private mutating func array(depth: Int) -> String? {
        index += 1
        skipWhitespace()
        if consume("]") { return nil }
        while true {
            if let problem = value(depth: depth + 1) { return problem }
            skipWhitespace()
            if consume("]") { return nil }
            guard consume(",") else { return "expected ',' or ']' at \(index + 1)" }
        }
    }

    private mutating func string() -> String? {
        let start = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return nil
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                if escape == UInt8(ascii: "u") {
                    let hex = bytes[min(index + 1, bytes.count)..<min(index + 5, bytes.count)]
                    guard hex.count == 4, hex.allSatisfy(Self.isHexDigit) else { return "bad \\u escape at \(index + 1)" }
                    index += 5
                } else if Array("\"\\/bfnrt".utf8).contains(escape) {
                    index += 1
                } else {
                    return "bad escape at \(index + 1)"
                }
            case 0..<0x20:
                return "control character in string at \(index + 1)"
            default:
                index += 1
            }
        }
        return "unterminated string from \(start + 1)"
    }

    private mutating func number() -> String? {
        let start = index
        _ = consume("-")
        if consume("0") {
        } else if digits() == 0 {
            return "expected a value at \(start + 1)"
        }
        if consume("."), digits() == 0 { return "expected digits at \(index + 1)" }
        if consume("e") || consume("E") {
            if !consume("+") { _ = consume("-") }
            if digits() == 0 { return "expected digits at \(index + 1)" }
        }
        return nil
    }

    private mutating func literal(_ word: String) -> String? {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            return "expected a value at \(index + 1)"
        }
        index += expected.count
        return nil
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    private mutating func consume(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
