/// The WebSocket route `{prefix}/app/{key}`: which request targets may upgrade, and for which app key.
struct SocketRoute: Sendable {
    /// `{prefix}/app/`.
    let pathPrefix: String

    init(routePrefix: String) {
        pathPrefix = routePrefix + "/app/"
    }

    /// The app key of a socket route (query ignored, percent-decoded), nil for any other target.
    func key(_ uri: String) -> String? {
        // On the bytes: every handshake asks (the prefix is ASCII, so a byte prefix is a character prefix).
        let target = HTTPRequest.originForm(uri)
        let utf8 = target.utf8
        let end = utf8.firstIndex(of: UInt8(ascii: "?")) ?? utf8.endIndex
        guard utf8[..<end].starts(with: pathPrefix.utf8) else { return nil }
        let start = utf8.index(utf8.startIndex, offsetBy: pathPrefix.utf8.count)
        let key = utf8[start..<end]
        guard !key.isEmpty, !key.contains(UInt8(ascii: "/")) else { return nil }
        return HTTPRequest.percentDecode(String(target[start..<end]), plusIsSpace: false)
    }
}
