import NIOCore
import NIOHTTP1

/// One complete HTTP request on the API port: head, decoded query and the body read once into one buffer.
struct HTTPRequest {
    var method: HTTPMethod
    /// The path without the query string, percent-decoded.
    var path: String
    /// Query parameters, percent-decoded, in the order sent.
    var query: [(name: String, value: String)]
    var body: ByteBuffer
    /// When the whole request had arrived: the start of `reverb_broadcast_duration_seconds`.
    let receivedAt = NIODeadline.now()

    init(head: HTTPRequestHead, body: ByteBuffer) {
        self.method = head.method
        self.body = body
        var uri = Self.originForm(head.uri)
        (self.path, self.query) = uri.withUTF8 { bytes in
            guard let mark = bytes.firstIndex(of: UInt8(ascii: "?")) else {
                return (Self.decode(bytes, 0, bytes.count, plusIsSpace: false), [])
            }
            return (Self.decode(bytes, 0, mark, plusIsSpace: false), Self.parseQuery(bytes, from: mark + 1))
        }
    }

    /// The path-and-query part of a request target: absolute-form targets (`http://host:port/up`, which HTTP/1.1
    /// servers must accept) lose their scheme and authority; origin-form targets pass unchanged.
    static func originForm(_ target: String) -> String {
        guard !target.hasPrefix("/") else { return target }
        let lower = target.prefix(8).lowercased()
        let schemeLength = lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
        guard schemeLength > 0 else { return target }
        let rest = target.dropFirst(schemeLength)
        guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        return rest[slash] == "?" ? "/" + rest[slash...] : String(rest[slash...])
    }

    func queryValue(_ name: String) -> String? { query.last(where: { $0.name == name })?.value }

    static func parseQuery(_ text: String) -> [(name: String, value: String)] {
        // On the bytes, one String per name and value and nothing in between: a signed API request parses its
        // five query parameters on every publish.
        var text = text
        return text.withUTF8 { parseQuery($0, from: 0) }
    }

    private static func parseQuery(
        _ bytes: UnsafeBufferPointer<UInt8>, from offset: Int
    ) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(6)
        var start = offset
        while start < bytes.count {
            var end = start
            var equals = -1
            while end < bytes.count, bytes[end] != UInt8(ascii: "&") {
                if equals < 0, bytes[end] == UInt8(ascii: "=") { equals = end }
                end += 1
            }
            if end > start {
                if equals >= 0 {
                    pairs.append((decode(bytes, start, equals), decode(bytes, equals + 1, end)))
                } else {
                    pairs.append((decode(bytes, start, end), ""))
                }
            }
            start = end + 1
        }
        return pairs
    }

    /// `bytes[start..<end]` as a String, `%XX` (and in a query `+`) decoded.
    private static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, plusIsSpace: Bool = true
    ) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard slice.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(decoding: slice, as: UTF8.self)
        }
        return percentDecode(String(decoding: slice, as: UTF8.self), plusIsSpace: plusIsSpace)
    }

    static func percentDecode(_ text: String, plusIsSpace: Bool) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) })
        else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+"), plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
