import NIOHTTP1

extension APIRouter {
    /// The route template of a request path, for metrics labels: `/apps/{id}/events`, `/up`, or `other` for
    /// paths no route matches (so a scan of random URLs cannot grow the label set).
    static func routeTemplate(path: String, prefix: String) -> String { routeTemplate(path: path[...], prefix: prefix) }

    static func routeTemplate(path: Substring, prefix: String) -> String {
        guard path.hasPrefix(prefix), let (route, _) = match(path.dropFirst(prefix.count)) else {
            return "other"
        }
        switch route {
        case .health: return "/up"
        case .socket: return "/app/{key}"
        case .events: return "/apps/{id}/events"
        case .batchEvents: return "/apps/{id}/batch_events"
        case .channels: return "/apps/{id}/channels"
        case .connections: return "/apps/{id}/connections"
        case .channel: return "/apps/{id}/channels/{channel}"
        case .channelUsers: return "/apps/{id}/channels/{channel}/users"
        case .terminateUser:
            return path.contains("/apps/")
                ? "/apps/{id}/users/{user}/terminate_connections"
                : "/users/{user}/terminate_connections"
        }
    }

    /// Counts an answered request by route and status, and logs it when it was refused.
    func account(method: HTTPMethod, uri: String, status: HTTPResponseStatus) {
        // Without a metrics backend an accepted request has nothing to count or log.
        guard status.code >= 400 || engine.metrics.countsRequests else { return }
        let path = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { uri[..<$0] } ?? uri[...]
        let route = Self.routeTemplate(path: path, prefix: prefix)
        engine.metrics.httpRequest(route: route, status: Int(status.code))
        if status.code >= 400 {
            ProductionLog.requestRejected(
                method: method.rawValue, path: String(path), route: route, status: Int(status.code),
                logger: engine.logger)
        }
    }
}
