/// Finds complete HTTP/1.1 responses in a byte stream, enough for a keep-alive publisher:
/// status code and total length, with `Content-Length` or chunked bodies.
public enum HTTPResponseScanner {
    public struct Response: Equatable, Sendable {
        public var status: Int
        /// Bytes from the start of the status line to the end of the body.
        public var length: Int
        /// The server said `Connection: close` (or spoke HTTP/1.0 without keep-alive).
        public var closes: Bool
        public var body: [UInt8]

        public init(status: Int, length: Int, closes: Bool, body: [UInt8]) {
            self.status = status
            self.length = length
            self.closes = closes
            self.body = body
        }
    }

    /// The first complete response at the start of `bytes`, or nil if more bytes are needed.
    public static func scan(_ bytes: some Collection<UInt8>) -> Response? {
        let b = Array(bytes)
        guard let headerEnd = find([13, 10, 13, 10], in: b, from: 0) else { return nil }
        let head = String(decoding: b[0..<headerEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let statusLine = lines.first else { return nil }
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            return Response(status: 0, length: headerEnd + 4, closes: true, body: [])
        }
        var contentLength: Int? = nil
        var chunked = false
        var closes = statusLine.hasPrefix("HTTP/1.0")
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces.lowercased()
            switch name {
            case "content-length": contentLength = Int(value)
            case "transfer-encoding": chunked = value.contains("chunked")
            case "connection":
                if value.contains("close") { closes = true }
                if value.contains("keep-alive") { closes = false }
            default: break
            }
        }
        let bodyStart = headerEnd + 4
        if chunked {
            var body: [UInt8] = []
            var p = bodyStart
            while true {
                guard let lineEnd = find([13, 10], in: b, from: p) else { return nil }
                let sizeText = String(decoding: b[p..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingSpaces, radix: 16) else {
                    return Response(status: status, length: b.count, closes: true, body: body)
                }
                p = lineEnd + 2
                if size == 0 {
                    guard let end = find([13, 10], in: b, from: p) else { return nil }
                    return Response(status: status, length: end + 2, closes: closes, body: body)
                }
                guard b.count >= p + size + 2 else { return nil }
                body += b[p..<(p + size)]
                p += size + 2
            }
        }
        let length = contentLength ?? 0
        guard b.count >= bodyStart + length else { return nil }
        return Response(
            status: status,
            length: bodyStart + length,
            closes: closes || contentLength == nil && status >= 200 && status != 204 && status != 304,
            body: Array(b[bodyStart..<(bodyStart + length)])
        )
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
