import Foundation
import NIOSSL

/// What `reverb-tui doctor` checks of the TLS files: readable, a certificate and a key that belong together
/// (BoringSSL refuses a key that does not match the certificate), and the certificate's validity dates.
public enum TLSFileCheck {
    /// What the files hold, when they can be served.
    public struct Report: Sendable {
        public var certificates: Int
        public var notValidAfter: Date
        public var expired: Bool { notValidAfter < Date() }
        public var expiresSoon: Bool { notValidAfter < Date().addingTimeInterval(14 * 86_400) }
    }

    /// Why the files cannot be served.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func check(_ files: ServerConfiguration.TLSFiles) -> Result<Report, Failure> {
        for (what, path) in [("certificate", files.certificateChainPath), ("private key", files.privateKeyPath)]
        where !FileManager.default.isReadableFile(atPath: path) {
            let exists = FileManager.default.fileExists(atPath: path)
            return .failure(
                Failure(description: "the \(what) \(path) \(exists ? "is not readable" : "does not exist")"))
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(files.certificateChainPath)
        } catch {
            return .failure(Failure(description: "\(files.certificateChainPath) is not a PEM certificate (\(error))"))
        }
        guard let leaf = certificates.first else {
            return .failure(Failure(description: "\(files.certificateChainPath) holds no PEM certificate"))
        }
        do {
            if let passphrase = files.passphrase {
                _ = try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem) { completion in
                    completion(Array(passphrase.utf8))
                }
            } else {
                _ = try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem)
            }
        } catch {
            let why =
                files.passphrase == nil
                ? "not a PEM private key, or encrypted without a passphrase"
                : "not a PEM private key, or the passphrase is wrong"
            return .failure(Failure(description: "\(files.privateKeyPath) cannot be read: \(why) (\(error))"))
        }
        do {
            _ = try CertificateStore.makeContext(files)
        } catch {
            // Both files load on their own, so BoringSSL refused the pair: the key is not the certificate's.
            return .failure(
                Failure(
                    description:
                        "\(files.privateKeyPath) is not the private key of \(files.certificateChainPath) (\(error))"))
        }
        let notAfter = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        return .success(Report(certificates: certificates.count, notValidAfter: notAfter))
    }
}
