import NIOCore
import NIOHTTP1

/// One complete HTTP request on the API port: head, decoded query and the body read once into one buffer.
struct HTTPRequest {
    var method: HTTPMethod
    /// The path without the query string, percent-decoded.
    var path: String
    /// Query parameters, percent-decoded, in the order sent.
    var query: [(name: String, value: String)]
    var headers: HTTPHeaders
    var body: ByteBuffer
    /// When the whole request had arrived: the start of `reverb_broadcast_duration_seconds`.
    let receivedAt = NIODeadline.now()

    init(head: HTTPRequestHead, body: ByteBuffer) {
        self.method = head.method
        self.headers = head.headers
        self.body = body
        let uri = Self.originForm(head.uri)
        if let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.path = Self.percentDecode(String(uri[..<mark]), plusIsSpace: false)
            self.query = Self.parseQuery(String(uri[uri.utf8.index(after: mark)...]))
        } else {
            self.path = Self.percentDecode(uri, plusIsSpace: false)
            self.query = []
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
        // Byte offsets, not Characters: a signed API request parses its query on every publish.
        let utf8 = text.utf8
        var pairs: [(name: String, value: String)] = []
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "&")) ?? utf8.endIndex
            if end > start {
                let pair = utf8[start..<end]
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                    pairs.append(
                        (
                            percentDecode(String(text[start..<equals]), plusIsSpace: true),
                            percentDecode(String(text[utf8.index(after: equals)..<end]), plusIsSpace: true)
                        ))
                } else {
                    pairs.append((percentDecode(String(text[start..<end]), plusIsSpace: true), ""))
                }
            }
            start = end < utf8.endIndex ? utf8.index(after: end) : end
        }
        return pairs
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
