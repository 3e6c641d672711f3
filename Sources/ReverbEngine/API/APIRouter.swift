import Synchronization
import Foundation
import NIOCore
import NIOHTTP1

/// Routes a plain HTTP request (not a WebSocket upgrade) to the health check or a signed API endpoint.
struct APIRouter: Sendable {
    let engine: Engine
    /// The configured path prefix, computed once (the configuration trims it with Foundation on every read).
    let prefix: String

    init(engine: Engine) {
        self.engine = engine
        self.prefix = engine.configuration.routePrefix
    }

    /// Reverb's API routes (docs/protocol.md, HTTP responses), after the path prefix.
    enum Route {
        case health
        case events, batchEvents, channels, connections
        case channel(String)
        case channelUsers(String)
        case terminateUser(String)
        case socket

        var method: HTTPMethod {
            switch self {
            case .events, .batchEvents, .terminateUser: .POST
            default: .GET
            }
        }
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        engine.totals.apiRequests.add(1, ordering: .relaxed)
        guard request.path.hasPrefix(prefix) else { return .text(.notFound, "Not found.") }
        let path = prefix.isEmpty ? request.path : String(request.path.dropFirst(prefix.count))
        if path == ConsoleStreamSignature.route { return ConsoleStreamRoute(engine: engine).refusal(for: request) }
        guard let (route, appID) = Self.match(path) else { return .text(.notFound, "Not found.") }
        // HEAD is answered wherever GET is, with the same status and headers and no body.
        guard (request.method == .HEAD ? .GET : request.method) == route.method else {
            var response = HTTPResponse.text(.methodNotAllowed, "Method not allowed.")
            response.headers.add(name: "Allow", value: route.method == .GET ? "GET, HEAD" : route.method.rawValue)
            return response
        }
        if case .health = route { return .json(.ok, .object([JSONMember("health", .string("OK"))])) }
        if case .socket = route {
            var response = HTTPResponse.text(
                .upgradeRequired,
                "This endpoint takes WebSocket connections: connect with a Pusher client to \(request.path).")
            response.headers.add(name: "Upgrade", value: "websocket")
            return response
        }
        guard
            let app = appID.isEmpty
                ? request.queryValue("auth_key").flatMap(engine.directory.app(key:)) : engine.directory.app(id: appID)
        else {
            if appID.isEmpty { return .text(.unauthorized, "Authentication signature invalid: auth_key names no app.") }
            return .text(.notFound, "No matching application for ID [\(appID)].")
        }
        do {
            try APISignature.verify(
                method: request.method.rawValue, path: path, query: request.query,
                body: request.body,
                app: app, timestampWindow: engine.configuration.apiTimestampWindow,
                key: engine.registry(for: app).signingKey)
        } catch {
            engine.events.emit {
                EngineEvent(
                    kind: .error, appID: app.id, event: "\(request.method.rawValue) \(path)", code: 401,
                    detail: error.description)
            }
            return .text(.unauthorized, "Authentication signature invalid: \(error.description).")
        }
        do {
            let endpoint = APIEndpoints(engine: engine, app: app, request: request)
            switch route {
            case .events: return try endpoint.triggerEvent()
            case .batchEvents: return try endpoint.triggerBatch()
            case .channels: return endpoint.listChannels()
            case .channel(let name): return endpoint.showChannel(name)
            case .channelUsers(let name): return try endpoint.listUsers(name)
            case .connections: return endpoint.countConnections()
            case .terminateUser(let userID): return endpoint.terminate(userID)
            case .health, .socket: return .text(.notFound, "Not found.")
            }
        } catch {
            return error.response
        }
    }

    /// Matches a prefix-free path; returns the route and the app id (empty for `/up`, sockets and `/users/…`).
    static func match(_ path: String) -> (Route, String)? { match(path[...]) }

    /// `match` on a slice of the request path, without splitting it into an array of strings (every API request
    /// is matched, and accounted by its route).
    static func match(_ path: Substring) -> (Route, String)? {
        var segments: [Substring] = []
        segments.reserveCapacity(5)
        let utf8 = path.utf8
        guard utf8.first == UInt8(ascii: "/") else { return nil }
        var start = utf8.index(after: utf8.startIndex)
        while true {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
            guard segments.count < 5 else { return nil }
            segments.append(path[start..<end])
            guard end < utf8.endIndex else { break }
            start = utf8.index(after: end)
        }
        switch segments.count {
        case 1 where segments[0] == "up": return (.health, "")
        case 2 where segments[0] == "app" && !segments[1].isEmpty: return (.socket, "")
        case 3 where segments[0] == "apps":
            switch segments[2] {
            case "events": return (.events, String(segments[1]))
            case "batch_events": return (.batchEvents, String(segments[1]))
            case "channels": return (.channels, String(segments[1]))
            case "connections": return (.connections, String(segments[1]))
            default: return nil
            }
        case 4 where segments[0] == "apps" && segments[2] == "channels" && !segments[3].isEmpty:
            return (.channel(String(segments[3])), String(segments[1]))
        case 5 where segments[0] == "apps" && segments[2] == "channels" && segments[4] == "users":
            return (.channelUsers(String(segments[3])), String(segments[1]))
        case 5 where segments[0] == "apps" && segments[2] == "users" && segments[4] == "terminate_connections":
            return (.terminateUser(String(segments[3])), String(segments[1]))
        case 3 where segments[0] == "users" && segments[2] == "terminate_connections" && !segments[1].isEmpty:
            // Pusher's user-level route, which the server SDKs call: the app comes from the signed `auth_key`.
            return (.terminateUser(String(segments[1])), "")
        default: return nil
        }
    }
}
