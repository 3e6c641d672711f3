import Foundation
import NIOCore

/// Why the server could not start listening, as one line without library internals: a busy or forbidden port
/// in plain words, an unreadable TLS file by name and reason.
public enum ListenFailure {
    public static func describe(_ error: any Error, configuration: ServerConfiguration) -> String {
        let port = configuration.port
        if let error = error as? IOError {
            switch error.errnoCode {
            case EADDRINUSE: return "port \(port) is already in use (is another server running?)"
            case EACCES: return "no permission to listen on port \(port) (ports below 1024 need root)"
            case EADDRNOTAVAIL: return "cannot listen on \(configuration.host): no such address on this machine"
            default:
                return "cannot listen on \(configuration.host):\(port): \(String(cString: strerror(error.errnoCode)))"
            }
        }
        if error is SocketAddressError {
            return "cannot listen on \(configuration.host):\(port): the host is not a valid address"
        }
        if let error = error as? TLSFileError { return error.description }
        return "cannot listen on \(configuration.host):\(port): \(error)"
    }
}

/// A TLS certificate or key file that cannot be used, named with the reason.
struct TLSFileError: Error, CustomStringConvertible {
    var role: String
    var path: String
    var reason: String

    var description: String { "cannot use the TLS \(role) file \(path): \(reason)" }

    /// Checks that the file can be opened and read, before NIOSSL reports the same problem less clearly.
    static func check(_ path: String, role: String) throws(TLSFileError) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw TLSFileError(role: role, path: path, reason: String(cString: strerror(errno)).lowercased())
        }
        defer { close(descriptor) }
        var byte: UInt8 = 0
        if read(descriptor, &byte, 1) < 0 {
            throw TLSFileError(role: role, path: path, reason: String(cString: strerror(errno)).lowercased())
        }
    }
}
