import NIOCore
import NIOHTTP1

/// `{prefix}/console`: decides whether a request may open the console stream, and answers the ones that may
/// not with a JSON error (404 when the server was started without `--allow-attach`, 401 for a bad signature).
struct ConsoleStreamRoute: Sendable {
    let engine: Engine

    var path: String { engine.configuration.routePrefix + ConsoleStreamSignature.route }

    func matches(_ request: HTTPRequest) -> Bool { request.path == path }

    /// The app a WebSocket upgrade to the console stream is for, or nil to refuse it (the router then explains).
    func admit(_ request: HTTPRequest) -> Application? {
        guard engine.configuration.allowAttach else { return nil }
        return try? ConsoleStreamSignature.verify(
            query: request.query, directory: engine.directory, consume: true)
    }

    /// The answer to a console request that did not become a stream.
    func refusal(for request: HTTPRequest) -> HTTPResponse {
        guard engine.configuration.allowAttach else {
            return Self.error(
                .notFound, "The console stream is off: start the server with --allow-attach (REVERB_ALLOW_ATTACH=true)."
            )
        }
        do {
            _ = try ConsoleStreamSignature.verify(query: request.query, directory: engine.directory, consume: false)
        } catch {
            engine.events.emit {
                EngineEvent(
                    kind: .error, appID: request.queryValue("app_id") ?? "", detail: "console attach refused: \(error)")
            }
            return Self.error(.unauthorized, "Console stream refused: \(error.description).")
        }
        var response = Self.error(.upgradeRequired, "The console stream is a WebSocket: use reverb-tui attach.")
        response.headers.add(name: "Upgrade", value: "websocket")
        return response
    }

    static func error(_ status: HTTPResponseStatus, _ message: String) -> HTTPResponse {
        .json(status, .object([JSONMember("error", .string(message))]))
    }
}
