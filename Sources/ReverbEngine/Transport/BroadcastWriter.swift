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
        var groups: [ObjectIdentifier: [ConnectionHandle]] = [:]
        for handle in handles {
            groups[ObjectIdentifier(handle.eventLoop), default: []].append(handle)
        }
        for group in groups.values {
            let loop = group[0].eventLoop
            if loop.inEventLoop {
                writeAll(frame, to: group)
            } else {
                loop.execute { writeAll(frame, to: group) }
            }
        }
    }

    private static func writeAll(_ frame: WebSocketFrame, to group: [ConnectionHandle]) {
        for handle in group { handle.write(frame) }
        for handle in group { handle.channel.flush() }
    }
}
