import Foundation

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
