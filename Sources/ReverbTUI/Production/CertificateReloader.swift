import Dispatch
import Foundation
import ReverbEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGHUP reloads the TLS certificate and key (a renewal, `certbot renew --deploy-hook "systemctl reload ..."`)
/// without dropping a connection. SIGHUP never ends the process: without TLS, or when the new files are
/// unusable, it says so and the server carries on with what it has.
enum CertificateReloader {
    /// From the first moment of `start`: SIGHUP's default action would end the process.
    static func ignoreHangUps() {
        signal(SIGHUP, SIG_IGN)
    }

    /// Reloads on every SIGHUP.
    static func install(server: ReverbServer, write: @escaping @Sendable (String) -> Void) -> any DispatchSourceSignal {
        ignoreHangUps()
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            do {
                if let file = try server.reloadCertificate() {
                    write("  INFO  Reloaded TLS certificate \(file); new connections use it.")
                } else {
                    write("  INFO  SIGHUP received; no TLS certificate to reload (TLS is off).")
                }
            } catch {
                write("  ERROR  TLS certificate reload failed, still serving the previous one: \(error)")
            }
        }
        source.resume()
        return source
    }
}
