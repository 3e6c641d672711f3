import NIOCore
import NIOHTTP1

/// A response ready to write: status, JSON or text body, and the headers every API response carries.
struct HTTPResponse {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
    /// When set, the real response comes later (a cluster read from Redis); this one is not written.
    var deferred: EventLoopFuture<HTTPResponse>?

    /// A response that a cluster read completes, falling back to `local` when Redis does not answer.
    static func later(
        _ future: EventLoopFuture<HTTPResponse>, orElse local: @escaping @Sendable () -> HTTPResponse
    ) -> HTTPResponse {
        var response = HTTPResponse.text(.ok, "")
        response.deferred = future.recover { _ in local() }
        return response
    }

    /// `200 {}`, made once: the answer to nearly every publish.
    static let emptyObject = json(.ok, .object([]))
    /// `200 {"batch":{}}`, made once: the answer to a batch without `info`.
    static let emptyBatch = json(.ok, .object([JSONMember("batch", .object([]))]))

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
