/// The WebSocket route `{prefix}/app/{key}`: which request targets may upgrade, and for which app key.
struct SocketRoute: Sendable {
    /// `{prefix}/app/`.
    let pathPrefix: String

    init(routePrefix: String) {
        pathPrefix = routePrefix + "/app/"
    }

    /// The app key of a socket route (query ignored, percent-decoded), nil for any other target.
    func key(_ uri: String) -> String? {
        let path = HTTPRequest.originForm(uri).split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        guard path.hasPrefix(pathPrefix) else { return nil }
        let key = path.dropFirst(pathPrefix.count)
        guard !key.isEmpty, !key.contains("/") else { return nil }
        return HTTPRequest.percentDecode(String(key), plusIsSpace: false)
    }
}
