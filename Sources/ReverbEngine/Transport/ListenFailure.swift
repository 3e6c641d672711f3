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
