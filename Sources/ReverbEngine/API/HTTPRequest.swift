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

    init(head: HTTPRequestHead, body: ByteBuffer) {
        self.method = head.method
        self.headers = head.headers
        self.body = body
        let uri = head.uri
        if let mark = uri.firstIndex(of: "?") {
            self.path = Self.percentDecode(String(uri[..<mark]), plusIsSpace: false)
            self.query = Self.parseQuery(String(uri[uri.index(after: mark)...]))
        } else {
            self.path = Self.percentDecode(uri, plusIsSpace: false)
            self.query = []
        }
    }

    func queryValue(_ name: String) -> String? { query.last(where: { $0.name == name })?.value }

    static func parseQuery(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecode(String(parts[1]), plusIsSpace: true) : ""
            return (name, value)
        }
    }

    static func percentDecode(_ text: String, plusIsSpace: Bool) -> String {
        guard text.contains("%") || (plusIsSpace && text.contains("+")) else { return text }
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

/// A response ready to write: status, JSON or text body, and the headers every API response carries.
struct HTTPResponse {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    static func json(_ status: HTTPResponseStatus = .ok, _ body: ByteBuffer) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    static func json(_ status: HTTPResponseStatus = .ok, _ value: JSONValue) -> HTTPResponse {
        var buffer = ServerMessage.allocator.buffer(capacity: 64)
        buffer.writeJSON(value)
        return json(status, buffer)
    }

    /// A plain-text error: Reverb's message, and where useful which check failed.
    static func text(_ status: HTTPResponseStatus, _ message: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/plain; charset=utf-8"],
            body: ServerMessage.allocator.buffer(string: message))
    }
}

/// An API failure that renders itself as a response.
struct APIError: Error {
    var response: HTTPResponse

    static func text(_ status: HTTPResponseStatus, _ message: String) -> APIError {
        APIError(response: .text(status, message))
    }

    /// Laravel's 422: `{"field":["message"]}`.
    static func validation(_ field: String, _ message: String) -> APIError {
        APIError(response: .json(.unprocessableEntity, .object([JSONMember(field, .array([.string(message)]))])))
    }
}
