/// Why a JSON text could not be read.
package struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    package var offset: Int
    package var reason: String
    package var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
