import NIOCore
import NIOHTTP1

/// A request head read straight from a connection's bytes, for the requests `HTTPFastPath` answers itself: `GET`,
/// `HEAD` or `POST` with an origin-form target over HTTP/1.0 or 1.1, header lines of plain printable ASCII, at most
/// one `Content-Length` and no `Transfer-Encoding` or `Expect`. Anything else scans as `unsupported`, and NIO's HTTP
/// parser, with its exact answers to malformed input, reads the connection instead.
struct PlainRequestHead {
    /// What the bytes read so far hold.
    enum Scan {
        /// A prefix of a plain head: wait for more bytes.
        case incomplete
        /// Not a head this scanner takes (or longer than its limit): hand the connection to NIO's parser.
        case unsupported
        /// A whole head of `length` bytes (up to and including the empty line).
        case head(PlainRequestHead, length: Int)
    }

    /// Method, target and version (the headers are read into the fields below instead).
    var head: HTTPRequestHead
    /// 0 when the request has no `Content-Length`.
    var contentLength = 0
    var hasContentLength = false
    /// The `Upgrade` header was present; `upgradesToWebSocket` when it was one header saying `websocket`.
    var hasUpgrade = false
    var upgradesToWebSocket = false
    /// A `Connection` header lists the `upgrade` token.
    var connectionUpgrade = false
    /// What the `close` and `keep-alive` tokens of the `Connection` headers say (nil: neither), as NIO's
    /// `HTTPHeaders.isKeepAlive(version:)` reads them.
    var connectionKeepAlive: Bool?
    /// The single `Sec-WebSocket-Key` (nil when absent or repeated).
    var webSocketKey: String?
    /// The first `Origin` header. The only header value the fast path reads besides those above, so no other
    /// header becomes a string (`head.headers` stays empty).
    var origin: String?
    /// Exactly one `Sec-WebSocket-Version`, and it is 13.
    var webSocketVersion13 = false
    /// Bytes that count against `max_request_size`, counted as `HTTPRequestHandler.size(of:)` counts them.
    var size = 0

    /// Whether the connection stays open after the answer: what NIO's `HTTPRequestHead.isKeepAlive` says of the
    /// same headers.
    var isKeepAlive: Bool { connectionKeepAlive ?? (head.version.minor >= 1) }

    /// Longest head the scanner reads; longer ones go to NIO's parser.
    static let maximumLength = 8192

    static func scan(_ buffer: ByteBuffer) -> Scan {
        buffer.withUnsafeReadableBytes { scan($0) }
    }

    static func scan(_ bytes: UnsafeRawBufferPointer) -> Scan {
        var reader = Reader(bytes: bytes)
        let result = reader.read()
        if case .incomplete = result, bytes.count > maximumLength { return .unsupported }
        return result
    }

    /// A cursor over the bytes; every method returns `nil` at the end of the bytes read so far.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        mutating func read() -> Scan {
            // Request line: METHOD SP origin-form SP HTTP/1.x CRLF
            let method: HTTPMethod
            switch matchMethod() {
            case .none: return .incomplete
            case .some(nil): return .unsupported
            case .some(let found?): method = found
            }
            guard index < bytes.count else { return .incomplete }
            guard bytes[index] == UInt8(ascii: "/") else { return .unsupported }
            let targetStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: " ") {
                guard (0x21...0x7E).contains(bytes[index]) else { return .unsupported }
                index += 1
            }
            guard index < bytes.count else { return .incomplete }
            let uri = string(targetStart, index)
            index += 1
            let minor: Int
            switch matchVersion() {
            case .none: return .incomplete
            case .some(nil): return .unsupported
            case .some(let found?): minor = found
            }
            var result = PlainRequestHead(
                head: HTTPRequestHead(version: .init(major: 1, minor: minor), method: method, uri: uri))
            result.size = uri.utf8.count
            var versions = 0
            var keys = 0
            var upgrades = 0
            while true {
                guard index + 1 < bytes.count else { return .incomplete }
                if bytes[index] == UInt8(ascii: "\r") {
                    guard bytes[index + 1] == UInt8(ascii: "\n") else { return .unsupported }
                    index += 2
                    break
                }
                // Header line: token ":" OWS value OWS CRLF (no folded continuation lines).
                let nameStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: ":") {
                    guard Self.isTokenByte(bytes[index]) else { return .unsupported }
                    index += 1
                }
                guard index < bytes.count else { return .incomplete }
                guard index > nameStart else { return .unsupported }
                let nameEnd = index
                index += 1
                while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                    index += 1
                }
                let valueStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\r") {
                    let byte = bytes[index]
                    guard (0x20...0x7E).contains(byte) || byte == UInt8(ascii: "\t") else { return .unsupported }
                    index += 1
                }
                guard index + 1 < bytes.count else { return .incomplete }
                guard bytes[index + 1] == UInt8(ascii: "\n") else { return .unsupported }
                var valueEnd = index
                while valueEnd > valueStart, bytes[valueEnd - 1] == UInt8(ascii: " ") || bytes[valueEnd - 1] == 9 {
                    valueEnd -= 1
                }
                index += 2
                result.size += (nameEnd - nameStart) + (valueEnd - valueStart) + 4
                switch nameEnd - nameStart {
                case 6 where equalsLowercased(nameStart, "expect"): return .unsupported
                case 7 where equalsLowercased(nameStart, "upgrade"):
                    upgrades += 1
                    result.hasUpgrade = true
                    result.upgradesToWebSocket =
                        upgrades == 1 && valueEnd - valueStart == 9 && equalsLowercased(valueStart, "websocket")
                case 10 where equalsLowercased(nameStart, "connection"):
                    readConnectionTokens(valueStart, valueEnd, into: &result)
                case 6 where equalsLowercased(nameStart, "origin"):
                    if result.origin == nil { result.origin = string(valueStart, valueEnd) }
                case 14 where equalsLowercased(nameStart, "content-length"):
                    guard !result.hasContentLength, let length = decimal(valueStart, valueEnd) else {
                        return .unsupported
                    }
                    result.hasContentLength = true
                    result.contentLength = length
                case 17 where equalsLowercased(nameStart, "transfer-encoding"): return .unsupported
                case 17 where equalsLowercased(nameStart, "sec-websocket-key"):
                    keys += 1
                    result.webSocketKey = keys == 1 ? string(valueStart, valueEnd) : nil
                case 21 where equalsLowercased(nameStart, "sec-websocket-version"):
                    versions += 1
                    result.webSocketVersion13 =
                        versions == 1 && valueEnd - valueStart == 2 && equalsLowercased(valueStart, "13")
                default: break
                }
            }
            return .head(result, length: index)
        }

        /// The comma-separated tokens of a `Connection` value, spaces around them ignored, case-insensitively.
        private func readConnectionTokens(_ start: Int, _ end: Int, into result: inout PlainRequestHead) {
            var tokenStart = start
            while tokenStart < end {
                var tokenEnd = tokenStart
                while tokenEnd < end, bytes[tokenEnd] != UInt8(ascii: ",") { tokenEnd += 1 }
                var first = tokenStart
                var last = tokenEnd
                while first < last, bytes[first] == UInt8(ascii: " ") || bytes[first] == 9 { first += 1 }
                while last > first, bytes[last - 1] == UInt8(ascii: " ") || bytes[last - 1] == 9 { last -= 1 }
                switch last - first {
                case 7 where equalsLowercased(first, "upgrade"): result.connectionUpgrade = true
                // As NIO reads them: `close` anywhere closes, and so does a second `keep-alive`.
                case 5 where equalsLowercased(first, "close"): result.connectionKeepAlive = false
                case 10 where equalsLowercased(first, "keep-alive"):
                    result.connectionKeepAlive = result.connectionKeepAlive == nil
                default: break
                }
                tokenStart = tokenEnd + 1
            }
        }

        /// `GET `, `POST ` or `HEAD `; `.some(nil)` for any other method.
        private mutating func matchMethod() -> HTTPMethod?? {
            switch match("GET ") {
            case .none: return .none
            case .some(true): return .some(.GET)
            case .some(false): break
            }
            switch match("POST ") {
            case .none: return .none
            case .some(true): return .some(.POST)
            case .some(false): break
            }
            switch match("HEAD ") {
            case .none: return .none
            case .some(true): return .some(.HEAD)
            case .some(false): return .some(nil)
            }
        }

        /// ` HTTP/1.0\r\n` or `HTTP/1.1\r\n` after the target's space: the minor version.
        private mutating func matchVersion() -> Int?? {
            switch match("HTTP/1.1\r\n") {
            case .none: return .none
            case .some(true): return .some(1)
            case .some(false): break
            }
            switch match("HTTP/1.0\r\n") {
            case .none: return .none
            case .some(true): return .some(0)
            case .some(false): return .some(nil)
            }
        }

        /// Whether `text` is next (and then steps over it); nil when the bytes so far are a prefix of it.
        private mutating func match(_ text: StaticString) -> Bool? {
            let count = text.utf8CodeUnitCount
            let expected = UnsafeRawBufferPointer(start: text.utf8Start, count: count)
            let available = min(count, bytes.count - index)
            for offset in 0..<available where bytes[index + offset] != expected[offset] { return false }
            guard available == count else { return nil }
            index += count
            return true
        }

        private func string(_ start: Int, _ end: Int) -> String {
            // Typed bytes take String's specialized UTF-8 path (a raw buffer goes through the generic one).
            String(
                decoding: UnsafeBufferPointer(rebasing: bytes.assumingMemoryBound(to: UInt8.self)[start..<end]),
                as: UTF8.self)
        }

        /// The value of 1 to 9 decimal digits; nil for anything else.
        private func decimal(_ start: Int, _ end: Int) -> Int? {
            guard (1...9).contains(end - start) else { return nil }
            var value = 0
            for index in start..<end {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }

        /// ASCII case-insensitive comparison of the bytes at `start` with a lowercase name of the same length.
        private func equalsLowercased(_ start: Int, _ name: StaticString) -> Bool {
            let expected = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            for offset in 0..<expected.count {
                var byte = bytes[start + offset]
                if (0x41...0x5A).contains(byte) { byte |= 0x20 }
                if byte != expected[offset] { return false }
            }
            return true
        }

        /// RFC 9110 `tchar`.
        private static func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                true
            default: false
            }
        }
    }
}
