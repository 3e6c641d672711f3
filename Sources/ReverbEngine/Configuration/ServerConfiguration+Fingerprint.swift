import Crypto

extension ServerConfiguration {
    /// A short stable name for "the same configuration": the apps a server serves (ids and keys), which is what
    /// ties it to one Laravel project. `reverb-tui restart` stops every running server whose fingerprint equals the
    /// one it computes from the same sources, as `reverb:restart` stops every server of the project (they share its
    /// cache store), whatever port each listens on. Secrets, ports, TLS files and display settings do not count,
    /// so a rotated secret or a moved port still restarts the servers that run the old ones.
    public var fingerprint: String {
        var text = ""
        for app in apps.sorted(by: { $0.id < $1.id }) { text += "app=\(app.id) \(app.key)\n" }
        let digest = SHA256.hash(data: Array(text.utf8))
        return digest.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
