import Crypto

extension ServerConfiguration {
    /// A short stable name for "the same configuration": where the server binds and which apps it serves.
    /// `reverb-tui restart` stops every running server whose fingerprint equals the one it computes from the
    /// same options, as `reverb:restart` stops every server that shares the cache store. Secrets, TLS files and
    /// display settings do not count, so a rotated secret still restarts the servers that run the old one.
    public var fingerprint: String {
        var text = "host=\(host)\nport=\(port)\npath=\(routePrefix)\n"
        for app in apps.sorted(by: { $0.id < $1.id }) { text += "app=\(app.id) \(app.key)\n" }
        let digest = SHA256.hash(data: Array(text.utf8))
        return digest.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
