import NIOCore

/// Writes Redis commands in RESP2: an array of bulk strings, binary-safe. Pure code, no I/O.
package enum RESPEncoder {
    /// Appends one command (`["SET", "k", "v"]`) to `buffer`; several in a row are a pipeline.
    package static func write(_ arguments: [String], into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "*"))
        buffer.writeString(String(arguments.count))
        buffer.writeStaticString("\r\n")
        for argument in arguments {
            buffer.writeInteger(UInt8(ascii: "$"))
            buffer.writeString(String(argument.utf8.count))
            buffer.writeStaticString("\r\n")
            buffer.writeString(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    /// One command in a new buffer.
    package static func encode(_ arguments: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(arguments, into: &buffer)
        return buffer
    }
}
