import Foundation
import NIOCore

/// Writes a frame as JSON text for an attached console, the connection rows by hand.
///
/// Rows are nearly all of a snapshot's bytes (up to 2,000 of them four times a second, or every 2 s on a larger
/// server), and `JSONEncoder` spent more encoding them than the in-process console spends drawing
/// (docs/benchmarks.md, "Attached console cost"). So each list of rows (each app's, and a cluster's other nodes')
/// is replaced by one placeholder row whose socket id is a random per-process token (never in any other string of
/// a frame: it cannot be guessed), the rest of the frame is encoded by `JSONEncoder` as before, and each
/// placeholder object is replaced by its rows written straight into the buffer with the same keys and values
/// `JSONDecoder` reads back.
enum ConsoleStreamFrameWriter {
    static let token = "rows-" + UUID().uuidString

    static func write(_ frame: ConsoleStreamFrame, encoder: JSONEncoder, allocator: ByteBufferAllocator) -> ByteBuffer?
    {
        guard var snapshot = frame.snapshot,
            snapshot.apps.contains(where: { !$0.connections.isEmpty })
                || snapshot.cluster?.view?.connections.isEmpty == false
        else {
            return (try? encoder.encode(frame)).map { allocator.buffer(bytes: $0) }
        }
        // Each list of rows gives way to one placeholder row; a cluster's other nodes' rows are one more list.
        var lists: [(marker: String, rows: [ConnectionSnapshot])] = []
        func placeholder(_ rows: [ConnectionSnapshot]) -> [ConnectionSnapshot] {
            let marker = "\(token)-\(lists.count)"
            lists.append((marker, rows))
            let epoch = Date(timeIntervalSince1970: 0)
            return [ConnectionSnapshot(socketID: marker, appID: "", connectedAt: epoch, lastSeenAt: epoch)]
        }
        for index in snapshot.apps.indices {
            snapshot.apps[index].connections = placeholder(snapshot.apps[index].connections)
        }
        if let rows = snapshot.cluster?.view?.connections { snapshot.cluster?.view?.connections = placeholder(rows) }
        var encoded = frame
        encoded.snapshot = snapshot
        guard let data = try? encoder.encode(encoded) else { return nil }
        let bytes = [UInt8](data)
        // Member order is JSONEncoder's, so the placeholders are spliced in the order they appear in the text.
        var spans: [(open: Int, close: Int, rows: [ConnectionSnapshot])] = []
        for list in lists {
            guard let (open, close) = placeholderObject(in: bytes, marker: "\"\(list.marker)\"") else { return nil }
            spans.append((open, close, list.rows))
        }
        spans.sort { $0.open < $1.open }
        var buffer = allocator.buffer(capacity: bytes.count + lists.reduce(0) { $0 + $1.rows.count } * 220)
        var copied = 0
        for span in spans {
            buffer.writeBytes(bytes[copied..<span.open])
            writeRows(span.rows, into: &buffer)
            copied = span.close + 1
        }
        buffer.writeBytes(bytes[copied...])
        return buffer
    }

    /// Rows separated by commas, without the brackets.
    static func writeRows(_ rows: [ConnectionSnapshot], into buffer: inout ByteBuffer) {
        for (offset, row) in rows.enumerated() {
            if offset > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            writeRow(row, into: &buffer)
        }
    }

    /// The `{` and `}` of the placeholder row holding `marker` (its other members hold no braces).
    static func placeholderObject(in bytes: [UInt8], marker: String) -> (Int, Int)? {
        let needle = Array(marker.utf8)
        guard bytes.count >= needle.count else { return nil }
        var found: Int?
        for index in 0...(bytes.count - needle.count) where bytes[index] == needle[0] {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) {
                found = index
                break
            }
        }
        guard let at = found,
            let open = bytes[..<at].lastIndex(of: UInt8(ascii: "{")),
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
