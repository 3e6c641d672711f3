import NIOHTTP1

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
