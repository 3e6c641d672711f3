import NIOCore

/// Writes one message to many sockets: the whole frame encoded once, the same buffer queued in each event loop's
/// `LoopOutbox` for every subscriber on that loop; the outbox flushes each socket once per drain, so broadcasts
/// that overlap leave in one `writev`.
enum BroadcastWriter {
    /// Writes `payload` to every socket of `groups`, one task per event loop; `completion`, made for
    /// `loops(of: groups)` loops, records when the last one flushed.
    ///
    /// Always through the loop's outbox, even from that loop: a write made inline could overtake a broadcast
    /// another loop queued a moment earlier, and a socket must see messages in the order the engine sent them.
    static func write(_ payload: ByteBuffer, to groups: [FanoutGroup], completion: BroadcastCompletion? = nil) {
        guard groups.contains(where: { $0.count > 0 }) else { return }
        let frame = OutboundFrame.text(payload)
        for group in groups where group.count > 0 {
            group.outbox.enqueue(frame, to: group.writers, completion: completion, on: group.loop)
        }
    }

    /// How many event loops a write to `groups` touches.
    static func loops(of groups: [FanoutGroup]) -> Int { groups.reduce(0) { $0 + ($1.count > 0 ? 1 : 0) } }
}
