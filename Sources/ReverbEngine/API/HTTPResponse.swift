import NIOCore
import NIOHTTP1

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
