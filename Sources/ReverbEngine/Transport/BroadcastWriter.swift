import NIOCore
import NIOWebSocket
import Synchronization

/// Writes one encoded message to many connections: the whole frame encoded once, the same buffer written to
/// every subscriber below its WebSocket encoder, one task and one flush round per event loop.
enum BroadcastWriter {
    /// Writes `payload` to every socket of `groups`, one task per event loop; `completion`, made for
    /// `loops(of: groups)` loops, records when the last one flushed.
    ///
    /// Always through the loop's task queue, even from that loop: a write made inline could overtake a broadcast
    /// another loop queued a moment earlier, and a socket must see messages in the order the engine sent them.
    static func write(_ payload: ByteBuffer, to groups: [FanoutGroup], completion: BroadcastCompletion? = nil) {
        let total = groups.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        let encoded = encodeTextFrame(payload)
        for group in groups where group.count > 0 {
            group.loop.execute { writeAll(encoded, payload, to: group, completion: completion) }
        }
    }

    /// How many event loops a write to `groups` touches.
    static func loops(of groups: [FanoutGroup]) -> Int { groups.reduce(0) { $0 + ($1.count > 0 ? 1 : 0) } }

    /// Runs on `group.loop`.
    private static func writeAll(
        _ encoded: ByteBuffer, _ payload: ByteBuffer, to group: FanoutGroup, completion: BroadcastCompletion?
    ) {
        defer { completion?.loopFinished() }
        let wrapped = NIOAny(encoded)
        for index in 0..<group.count {
            group.handles[index].messagesOut.add(1, ordering: .relaxed)
            if let output = group.outputs[index] {
                output.context.write(wrapped, promise: nil)
            } else {
                group.handles[index].channel.write(
                    WebSocketFrame(fin: true, opcode: .text, data: payload), promise: nil)
            }
        }
        for index in 0..<group.count {
            if let output = group.outputs[index] {
                output.context.flush()
            } else {
                group.handles[index].channel.flush()
            }
        }
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
