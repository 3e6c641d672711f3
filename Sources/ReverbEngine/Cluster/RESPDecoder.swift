import NIOCore

/// Reads RESP2 replies from bytes as they arrive: pure code, no I/O. A reply cut anywhere (a partial read) is
/// left unread until the rest arrives; malformed input is an error, after which the connection must be dropped.
package enum RESPDecoder {
    package struct MalformedReply: Error, Hashable, CustomStringConvertible {
        package var description: String
    }

    /// Nesting deeper than this is refused rather than recursed into.
    static let maximumDepth = 32

    /// Decodes one whole reply from the front of `buffer` and consumes it; nil (consuming nothing) when
    /// the buffer does not yet hold a whole reply.
    package static func decode(_ buffer: inout ByteBuffer) throws(MalformedReply) -> RESPValue? {
        var index = buffer.readerIndex
        guard let value = try parse(buffer, at: &index, depth: 0) else { return nil }
        buffer.moveReaderIndex(to: index)
        return value
    }

    private static func parse(
        _ buffer: ByteBuffer, at index: inout Int, depth: Int
    ) throws(MalformedReply)
        -> RESPValue?
    {
        guard depth <= maximumDepth else { throw MalformedReply(description: "arrays nested too deep") }
        guard let type = buffer.getInteger(at: index, as: UInt8.self) else { return nil }
        var cursor = index + 1
        guard let line = self.line(buffer, at: &cursor) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            index = cursor
            return .simpleString(String(decoding: line.readableBytesView, as: UTF8.self))
        case UInt8(ascii: "-"):
            index = cursor
            return .error(String(decoding: line.readableBytesView, as: UTF8.self))
        case UInt8(ascii: ":"):
            index = cursor
            return .integer(try integer(line))
        case UInt8(ascii: "$"):
            let length = try integer(line)
            if length == -1 {
                index = cursor
                return .null
            }
            guard length >= 0 else { throw MalformedReply(description: "negative bulk length \(length)") }
            guard buffer.writerIndex - cursor >= length + 2 else { return nil }
            guard buffer.getInteger(at: cursor + length, as: UInt16.self) == 0x0D0A else {
                throw MalformedReply(description: "bulk string not followed by CRLF")
            }
            let bytes = buffer.getSlice(at: cursor, length: length)!
            index = cursor + length + 2
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            let count = try integer(line)
            if count == -1 {
                index = cursor
                return .null
            }
            guard count >= 0 else { throw MalformedReply(description: "negative array length \(count)") }
            var items: [RESPValue] = []
            items.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let item = try parse(buffer, at: &cursor, depth: depth + 1) else { return nil }
                items.append(item)
            }
            index = cursor
            return .array(items)
        default:
            throw MalformedReply(description: "unknown reply type byte \(type)")
        }
    }

    /// The bytes up to the next CRLF, moving `index` past it; nil when no CRLF has arrived yet.
    private static func line(_ buffer: ByteBuffer, at index: inout Int) -> ByteBuffer? {
        let found: Int? = buffer.withUnsafeReadableBytes { bytes in
            let base = buffer.readerIndex
            var position = index - base
            while position + 1 < bytes.count {
                if bytes[position] == 0x0D && bytes[position + 1] == 0x0A { return position + base }
                position += 1
            }
            return nil
        }
        guard let cr = found else { return nil }
        let line = buffer.getSlice(at: index, length: cr - index)!
        index = cr + 2
        return line
    }

    private static func integer(_ line: ByteBuffer) throws(MalformedReply) -> Int {
        guard let value = Int(String(decoding: line.readableBytesView, as: UTF8.self)) else {
            throw MalformedReply(description: "not an integer: \(String(buffer: line))")
        }
        return value
    }
}
