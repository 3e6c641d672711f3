import NIOCore

/// One RESP2 reply from Redis: the five types of the protocol, with RESP's null bulk and null array as `.null`.
package enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    case error(String)
    case integer(Int)
    case bulkString(ByteBuffer)
    case array([RESPValue])
    case null

    /// The text of a simple or bulk string.
    package var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let buffer): String(buffer: buffer)
        default: nil
        }
    }

    /// An integer reply, or a string holding one (`HGET` answers counts as bulk strings).
    package var int: Int? {
        switch self {
        case .integer(let value): value
        default: string.flatMap { Int($0) }
        }
    }

    package var array: [RESPValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// `["a", "b", "c", "d"]` read as `[("a","b"), ("c","d")]` (`HGETALL`).
    package var pairs: [(String, String)] {
        guard let items = array else { return [] }
        return stride(from: 0, to: items.count - 1, by: 2).compactMap { index in
            guard let key = items[index].string, let value = items[index + 1].string else { return nil }
            return (key, value)
        }
    }
}
