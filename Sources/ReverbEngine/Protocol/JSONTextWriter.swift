import NIOCore

/// Escapes a string as a JSON string literal, leaving `/` and non-ASCII as they are (clients accept both).
enum JSONEscaping {
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }

    /// Whether `byte` escapes as a backslash and one letter (else as `\u00XX`).
    @inline(__always)
    static func isShortEscape(_ byte: UInt8) -> Bool { shortEscapeLetter(byte) != nil }

    private static func shortEscapeLetter(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x22: UInt8(ascii: "\"")
        case 0x5C: UInt8(ascii: "\\")
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        default: nil
        }
    }

    /// Writes the escape of `byte` at `offset` (room for it is the caller's) and returns the offset after it.
    static func writeEscape(for byte: UInt8, into output: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        output[offset] = UInt8(ascii: "\\")
        if let letter = shortEscapeLetter(byte) {
            output[offset + 1] = letter
            return offset + 2
        }
        let hexDigits: StaticString = "0123456789abcdef"
        output[offset + 1] = UInt8(ascii: "u")
        output[offset + 2] = UInt8(ascii: "0")
        output[offset + 3] = UInt8(ascii: "0")
        output[offset + 4] = hexDigits.utf8Start[Int(byte >> 4)]
        output[offset + 5] = hexDigits.utf8Start[Int(byte & 0x0F)]
        return offset + 6
    }
}

extension ByteBuffer {
    /// Writes `text` as a quoted, escaped JSON string.
    package mutating func writeJSONString(_ text: String) {
        writeJSONText(text, quoted: true)
    }

    /// Writes `text` escaped for the inside of a JSON string, without the quotes.
    package mutating func writeJSONStringContents(_ text: String) {
        writeJSONText(text, quoted: false)
    }

    /// Counts the escaped length first, then writes everything with one capacity check: a broadcast's data is
    /// usually JSON text itself, full of quotes, and a buffer write per escape cost more than the copying.
    private mutating func writeJSONText(_ text: String, quoted: Bool) {
        var text = text
        text.withUTF8 { bytes in
            var escapedLength = bytes.count
            for byte in bytes where JSONEscaping.needsEscape(byte) {
                escapedLength += JSONEscaping.isShortEscape(byte) ? 1 : 5
            }
            let quotes = quoted ? 2 : 0
            writeWithUnsafeMutableBytes(minimumWritableBytes: escapedLength + quotes) { output in
                var offset = 0
                if quoted {
                    output[offset] = UInt8(ascii: "\"")
                    offset += 1
                }
                if escapedLength == bytes.count {
                    UnsafeMutableRawBufferPointer(rebasing: output[offset...]).copyMemory(
                        from: UnsafeRawBufferPointer(bytes))
                    offset += bytes.count
                } else {
                    for byte in bytes {
                        if JSONEscaping.needsEscape(byte) {
                            offset = JSONEscaping.writeEscape(for: byte, into: output, at: offset)
                        } else {
                            output[offset] = byte
                            offset += 1
                        }
                    }
                }
                if quoted {
                    output[offset] = UInt8(ascii: "\"")
                    offset += 1
                }
                return offset
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
