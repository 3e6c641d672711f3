import NIOCore
import NIOSSL
import Synchronization

/// The TLS context new connections handshake with. `reload()` reads the files again and swaps the context:
/// sockets already open keep the session they made, the next handshake uses the new certificate.
final class CertificateStore: Sendable {
    let files: ServerConfiguration.TLSFiles
    private let context: Mutex<NIOSSLContext>

    init(files: ServerConfiguration.TLSFiles) throws {
        self.files = files
        self.context = Mutex(try Self.makeContext(files))
    }

    var current: NIOSSLContext { context.withLock { $0 } }

    /// Reads the certificate and key again. On failure the context in use stays and the error is thrown.
    func reload() throws {
        let fresh = try Self.makeContext(files)
        context.withLock { $0 = fresh }
    }

    static func makeContext(_ files: ServerConfiguration.TLSFiles) throws -> NIOSSLContext {
        // Unreadable files are named with the reason before NIOSSL reports the same problem less clearly.
        try TLSFileError.check(files.certificateChainPath, role: "certificate")
        try TLSFileError.check(files.privateKeyPath, role: "private key")
        let certificates = try NIOSSLCertificate.fromPEMFile(files.certificateChainPath)
        guard !certificates.isEmpty else {
            throw TLSFileError(
                role: "certificate", path: files.certificateChainPath, reason: "holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        if let passphrase = files.passphrase {
            key = try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem) { completion in
                completion(Array(passphrase.utf8))
            }
        } else {
            key = try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem)
        }
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: tls)
    }

}
