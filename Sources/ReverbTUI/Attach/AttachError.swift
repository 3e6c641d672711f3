/// Why `reverb-tui attach` could not attach, worded as the one line the user sees.
enum AttachError: Error, CustomStringConvertible, Sendable {
    /// A bad command line or missing credentials.
    case usage(String)
    /// The server answered the handshake with an HTTP error (401 wrong secret, 404 stream off).
    case refused(status: Int, message: String)
    /// No connection, or it broke during the handshake.
    case unreachable(String)

    var description: String {
        switch self {
        case .usage(let message): message
        case .refused(let status, let message): "\(message) (HTTP \(status))"
        case .unreachable(let message): message
        }
    }

    /// The short reason shown in the header while reconnecting.
    var reason: String {
        switch self {
        case .usage(let message): message
        case .refused(let status, _): "refused (HTTP \(status))"
        case .unreachable(let message): message
        }
    }
}
