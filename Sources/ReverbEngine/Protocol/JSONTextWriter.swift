import NIOCore

/// Escapes a string as a JSON string literal, leaving `/` and non-ASCII as they are (clients accept both).
enum JSONEscaping {
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }

    static func escapeSequence(for byte: UInt8) -> String {
        switch byte {
        case 0x22: return "\\\""
        case 0x5C: return "\\\\"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        default:
            let hex = String(byte, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}

extension ByteBuffer {
    /// Writes `text` as a quoted, escaped JSON string.
    package mutating func writeJSONString(_ text: String) {
        writeInteger(UInt8(ascii: "\""))
        writeJSONStringContents(text)
        writeInteger(UInt8(ascii: "\""))
    }

    /// Writes `text` escaped for the inside of a JSON string, without the quotes.
    package mutating func writeJSONStringContents(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count where JSONEscaping.needsEscape(bytes[index]) {
                if runStart < index {
                    writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[runStart..<index])))
                }
                writeString(JSONEscaping.escapeSequence(for: bytes[index]))
                runStart = index + 1
            }
            if runStart < bytes.count {
                writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])))
            }
        }
    }

    /// Writes a JSON value as compact text.
    package mutating func writeJSON(_ value: JSONValue) {
        switch value {
        case .null: writeStaticString("null")
        case .bool(let flag): writeStaticString(flag ? "true" : "false")
        case .number(let literal): writeString(literal)
        case .string(let text): writeJSONString(text)
        case .array(let elements):
            writeInteger(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { writeInteger(UInt8(ascii: ",")) }
                writeJSON(element)
            }
            writeInteger(UInt8(ascii: "]"))
        case .object(let members):
            writeInteger(UInt8(ascii: "{"))
            for (offset, member) in members.enumerated() {
                if offset > 0 { writeInteger(UInt8(ascii: ",")) }
                writeJSONString(member.key)
                writeInteger(UInt8(ascii: ":"))
                writeJSON(member.value)
            }
            writeInteger(UInt8(ascii: "}"))
        }
    }
}

/// Builds compact JSON text into a `String`.
struct JSONTextWriter {
    private var buffer = ByteBufferAllocator().buffer(capacity: 64)

    mutating func write(_ value: JSONValue) { buffer.writeJSON(value) }

    var text: String { String(buffer: buffer) }
}

extension String {
    /// This string as a quoted JSON string literal.
    package var jsonQuoted: String {
        var buffer = ByteBufferAllocator().buffer(capacity: utf8.count + 2)
        buffer.writeJSONString(self)
        return String(buffer: buffer)
    }
}
