/// Why a command could not run.
public enum CommandError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownApp(String)

    public var description: String {
        switch self {
        case .unknownApp(let id): "No matching application for ID [\(id)]."
        }
    }
}
