import Foundation

/// Where `reverb-tui attach` connects: a server URL (`ws://host:port/prefix`, `wss://…`, `http(s)://…` or
/// `host:port`) turned into the console stream's host, port, path and whether to use TLS.
struct AttachTarget: Sendable, Hashable {
    var host: String
    var port: Int
    /// The server's path prefix (`""` or `/ws`).
    var prefix: String
    var tls: Bool

    /// `{prefix}/console`.
    var consolePath: String { prefix + "/console" }

    /// The server as the header shows it.
    var display: String { "\(tls ? "wss" : "ws")://\(host):\(port)\(prefix)" }

    /// Parses a URL; nil with a reason when it is not one.
    static func parse(_ text: String) -> Result<AttachTarget, AttachError> {
        var rest = text.trimmingCharacters(in: .whitespaces)
        var tls = false
        if let range = rest.range(of: "://") {
            switch rest[..<range.lowerBound].lowercased() {
            case "ws", "http": tls = false
            case "wss", "https": tls = true
            default: return .failure(.usage("unsupported scheme in \(text): use ws://, wss://, http:// or https://"))
            }
            rest = String(rest[range.upperBound...])
        }
        let authority = String(rest.prefix { $0 != "/" && $0 != "?" })
        var path = String(rest.dropFirst(authority.count).prefix { $0 != "?" })
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/console") { path.removeLast("/console".count) }
        var host = authority
        var port = tls ? 443 : 80
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()) else { return .failure(.usage("bad port in \(text)")) }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let value = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(value) else {
                return .failure(.usage("bad port in \(text)"))
            }
            port = value
        }
        guard !host.isEmpty else { return .failure(.usage("no host in \(text)")) }
        if host == "0.0.0.0" { host = "127.0.0.1" }
        return .success(AttachTarget(host: host, port: port, prefix: path, tls: tls))
    }
}
