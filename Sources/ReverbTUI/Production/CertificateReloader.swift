import Dispatch
import Foundation
import ReverbEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGHUP reloads the TLS certificate and key (a renewal, `certbot renew --deploy-hook "systemctl reload ..."`)
/// without dropping a connection. SIGHUP itself never ends the process: without TLS, or when the new files are
/// unusable, it says so and the server carries on with what it has. The one exception is the console whose
/// terminal went away (the SIGHUP a closing terminal sends): with nobody to see it, it stops gracefully.
enum CertificateReloader {
    /// From the first moment of `start`: SIGHUP's default action would end the process.
    static func ignoreHangUps() {
        signal(SIGHUP, SIG_IGN)
    }

    /// Reloads on every SIGHUP; with `console`, also stops (SIGTERM, the graceful path) once the terminal is gone.
    static func install(
        server: ReverbServer, console: Bool, write: @escaping @Sendable (String) -> Void
    ) -> any DispatchSourceSignal {
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
            if console, terminalHungUp() { kill(getpid(), SIGTERM) }
        }
        source.resume()
        return source
    }

    /// True once the terminal on stdin or stdout has hung up (its other end closed).
    static func terminalHungUp() -> Bool {
        var descriptors = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0),
        ]
        guard poll(&descriptors, nfds_t(descriptors.count), 0) >= 0 else { return false }
        let gone = Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)
        return descriptors.contains { $0.revents & gone != 0 }
    }
}
