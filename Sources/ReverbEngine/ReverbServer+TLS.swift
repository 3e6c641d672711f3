import Synchronization

extension ReverbServer {
    /// Reads the TLS certificate and key again (after a renewal); connections already open keep their session,
    /// new handshakes use the new files. Returns the certificate file read, nil when the server has no TLS.
    /// Throws, keeping the certificate in use, when the new files cannot be used.
    @discardableResult
    public func reloadCertificate() throws -> String? {
        guard let store = certificateStore.withLock({ $0 }) else { return nil }
        try store.reload()
        return store.files.certificateChainPath
    }
}
