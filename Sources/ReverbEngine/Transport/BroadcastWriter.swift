import Synchronization
import NIOCore
import NIOWebSocket

/// Writes one encoded message to many connections: the same buffer for all, one task and one flush
/// round per event loop.
enum BroadcastWriter {
    static func write(_ payload: ByteBuffer, to handles: [ConnectionHandle]) {
        guard !handles.isEmpty else { return }
        let frame = WebSocketFrame(fin: true, opcode: .text, data: payload)
        if handles.count == 1 {
            let handle = handles[0]
            handle.messagesOut.add(1, ordering: .relaxed)
            handle.channel.writeAndFlush(frame, promise: nil)
            return
        }
        let encoded = encodeTextFrame(payload)
        var groups: [ObjectIdentifier: [ConnectionHandle]] = [:]
        for handle in handles {
            groups[ObjectIdentifier(handle.eventLoop), default: []].append(handle)
        }
        for group in groups.values {
            let loop = group[0].eventLoop
            if loop.inEventLoop {
                writeAll(encoded, frame, to: group)
            } else {
                loop.execute { writeAll(encoded, frame, to: group) }
            }
        }
    }

    private static func writeAll(_ encoded: ByteBuffer, _ frame: WebSocketFrame, to group: [ConnectionHandle]) {
        for handle in group { handle.write(encodedFrame: encoded, orFrame: frame) }
        for handle in group { handle.flush() }
    }

    /// An unmasked, unfragmented text frame: header and payload in one buffer, encoded once per broadcast.
    static func encodeTextFrame(_ payload: ByteBuffer) -> ByteBuffer {
        let length = payload.readableBytes
        var buffer = ServerMessage.allocator.buffer(capacity: length + 10)
        buffer.writeInteger(UInt8(0x81))
        if length < 126 {
            buffer.writeInteger(UInt8(length))
        } else if length <= Int(UInt16.max) {
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        } else {
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
        var payload = payload
        buffer.writeBuffer(&payload)
        return buffer
    }
}
