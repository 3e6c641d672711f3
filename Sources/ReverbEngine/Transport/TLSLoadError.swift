/// The TLS certificate or key could not be loaded at start; the server does not start.
public struct TLSLoadError: Error, CustomStringConvertible {
    public var files: ServerConfiguration.TLSFiles
    public var reason: String

    public var description: String {
        "cannot use the TLS certificate \(files.certificateChainPath) with the key \(files.privateKeyPath): \(reason)"
    }
}
