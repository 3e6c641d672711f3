import NIOCore

/// Finds the bench's own markers in a message without a JSON parse: the receive path handles hundreds of
/// thousands of messages a second on a core shared with the server, so it scans bytes instead.
///
/// Every measured message carries `"_t":<µs>,"_s":<seq>` in its data, either as an object
/// (forwarded client events) or inside a JSON string (API events: `\"_t\":123`). Both forms match.
public enum PayloadProbe {
    /// The unsigned integer following `"<key>` (skipping `\`, `"`, `:` and spaces), or nil.
    public static func integer(after key: String, in buffer: ByteBuffer) -> UInt64? {
        let needle = Array(key.utf8)
        return buffer.withUnsafeReadableBytes { bytes -> UInt64? in
            let n = bytes.count
            let k = needle.count
            guard k > 0, n > k else { return nil }
            var i = 0
            while i + k <= n {
                var matched = true
                for j in 0..<k where bytes[i + j] != needle[j] {
                    matched = false
                    break
                }
                if matched {
                    var p = i + k
                    // The key must end here: the next byte closes the key's quotes.
                    if p < n, bytes[p] == UInt8(ascii: "\\") || bytes[p] == UInt8(ascii: "\"") {
                        while p < n,
                            bytes[p] == UInt8(ascii: "\\") || bytes[p] == UInt8(ascii: "\"")
                                || bytes[p] == UInt8(ascii: ":") || bytes[p] == UInt8(ascii: " ")
                        {
                            p += 1
                        }
                        var value: UInt64 = 0
                        var digits = 0
                        while p < n, bytes[p] >= UInt8(ascii: "0"), bytes[p] <= UInt8(ascii: "9") {
                            value = value &* 10 &+ UInt64(bytes[p] - UInt8(ascii: "0"))
                            p += 1
                            digits += 1
                        }
                        if digits > 0 { return value }
                    }
                }
                i += 1
            }
            return nil
        }
    }

    /// Whether `needle` occurs in the buffer's readable bytes.
    public static func contains(_ needle: String, in buffer: ByteBuffer) -> Bool {
        let bytesNeedle = Array(needle.utf8)
        return buffer.withUnsafeReadableBytes { bytes in
            let n = bytes.count
            let k = bytesNeedle.count
            guard k <= n else { return false }
            var i = 0
            outer: while i + k <= n {
                for j in 0..<k where bytes[i + j] != bytesNeedle[j] {
                    i += 1
                    continue outer
                }
                return true
            }
            return false
        }
    }

    /// The JSON data string for a measured message: `{"_t":t,"_s":s,"_p":"xxx…"}` padded to about `size` bytes.
    public static func makeData(timeMicros: UInt64, sequence: Int, size: Int = 0) -> String {
        let base = "{\"_t\":\(timeMicros),\"_s\":\(sequence)"
        let pad = size - base.count - 9
        if pad > 0 { return base + ",\"_p\":\"" + String(repeating: "x", count: pad) + "\"}" }
        return base + "}"
    }
}

extension PayloadProbe {
    /// The string or number following `"<key>` (skipping `\`, `"`, `:` and spaces) up to the next quote,
    /// backslash, comma or brace, or nil. Good for ids and event names, which never contain those bytes.
    public static func token(after key: String, in buffer: ByteBuffer) -> String? {
        let needle = Array(("\"" + key).utf8)
        return buffer.withUnsafeReadableBytes { bytes -> String? in
            let n = bytes.count
            let k = needle.count
            var i = 0
            outer: while i + k <= n {
                for j in 0..<k where bytes[i + j] != needle[j] {
                    i += 1
                    continue outer
                }
                var p = i + k
                guard p < n, bytes[p] == UInt8(ascii: "\\") || bytes[p] == UInt8(ascii: "\"") else {
                    i += 1
                    continue outer
                }
                while p < n,
                    bytes[p] == UInt8(ascii: "\\") || bytes[p] == UInt8(ascii: "\"")
                        || bytes[p] == UInt8(ascii: ":") || bytes[p] == UInt8(ascii: " ")
                {
                    p += 1
                }
                let start = p
                while p < n, bytes[p] != UInt8(ascii: "\\"), bytes[p] != UInt8(ascii: "\""),
                    bytes[p] != UInt8(ascii: ","), bytes[p] != UInt8(ascii: "}")
                {
                    p += 1
                }
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)
            }
            return nil
        }
    }
}
