import Foundation
import NIOCore

/// Writes a frame as JSON text for an attached console, the connection rows by hand.
///
/// Rows are nearly all of a snapshot's bytes (up to 2,000 of them four times a second, or every 2 s on a larger
/// server), and `JSONEncoder` spent more encoding them than the in-process console spends drawing
/// (docs/benchmarks.md, "Attached console cost"). So each app's rows are replaced by one placeholder row whose
/// socket id is a random per-process token (never in any other string of a frame: it cannot be guessed), the
/// rest of the frame is encoded by `JSONEncoder` as before, and the placeholder object is replaced by the rows
/// written straight into the buffer with the same keys and values `JSONDecoder` reads back.
enum ConsoleStreamFrameWriter {
    static let token = "rows-" + UUID().uuidString

    static func write(_ frame: ConsoleStreamFrame, encoder: JSONEncoder, allocator: ByteBufferAllocator) -> ByteBuffer?
    {
        guard var snapshot = frame.snapshot, snapshot.apps.contains(where: { !$0.connections.isEmpty }) else {
            return (try? encoder.encode(frame)).map { allocator.buffer(bytes: $0) }
        }
        var rows: [[ConnectionSnapshot]] = []
        for index in snapshot.apps.indices {
            rows.append(snapshot.apps[index].connections)
            let epoch = Date(timeIntervalSince1970: 0)
            snapshot.apps[index].connections = [
                ConnectionSnapshot(socketID: "\(token)-\(index)", appID: "", connectedAt: epoch, lastSeenAt: epoch)
            ]
        }
        var placeholder = frame
        placeholder.snapshot = snapshot
        guard let data = try? encoder.encode(placeholder) else { return nil }
        let bytes = [UInt8](data)
        var buffer = allocator.buffer(capacity: bytes.count + rows.reduce(0) { $0 + $1.count } * 220)
        var copied = 0
        for (index, appRows) in rows.enumerated() {
            guard let (open, close) = placeholderObject(in: bytes, marker: "\"\(token)-\(index)\"", from: copied) else {
                return nil
            }
            buffer.writeBytes(bytes[copied..<open])
            for (offset, row) in appRows.enumerated() {
                if offset > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                writeRow(row, into: &buffer)
            }
            copied = close + 1
        }
        buffer.writeBytes(bytes[copied...])
        return buffer
    }

    /// The `{` and `}` of the placeholder row holding `marker` (its other members hold no braces).
    static func placeholderObject(in bytes: [UInt8], marker: String, from start: Int) -> (Int, Int)? {
        let needle = Array(marker.utf8)
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var found: Int?
        for index in start...(bytes.count - needle.count) where bytes[index] == needle[0] {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) {
                found = index
                break
            }
        }
        guard let at = found,
            let open = bytes[start..<at].lastIndex(of: UInt8(ascii: "{")),
            let close = bytes[(at + needle.count)...].firstIndex(of: UInt8(ascii: "}"))
        else { return nil }
        return (open, close)
    }

    /// One row with `ConnectionSnapshot`'s coding keys; dates as seconds since 1970, absent optionals left out.
    static func writeRow(_ row: ConnectionSnapshot, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"socketID\":")
        buffer.writeJSONString(row.socketID)
        buffer.writeStaticString(",\"appID\":")
        buffer.writeJSONString(row.appID)
        if let origin = row.origin {
            buffer.writeStaticString(",\"origin\":")
            buffer.writeJSONString(origin)
        }
        buffer.writeStaticString(",\"channels\":[")
        for (offset, channel) in row.channels.enumerated() {
            if offset > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeJSONString(channel)
        }
        buffer.writeStaticString("],\"connectedAt\":")
        buffer.writeString(String(row.connectedAt.timeIntervalSince1970))
        buffer.writeStaticString(",\"lastSeenAt\":")
        buffer.writeString(String(row.lastSeenAt.timeIntervalSince1970))
        buffer.writeStaticString(",\"messagesIn\":")
        buffer.writeString(String(row.messagesIn))
        buffer.writeStaticString(",\"messagesOut\":")
        buffer.writeString(String(row.messagesOut))
        if let userID = row.userID {
            buffer.writeStaticString(",\"userID\":")
            buffer.writeJSONString(userID)
        }
        if let node = row.node {
            buffer.writeStaticString(",\"node\":")
            buffer.writeJSONString(node)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }
}
