import NIOCore
import Synchronization

/// Finds each event loop's `LoopOutbox`: one per loop for the life of the process, made on first use.
enum LoopOutboxes {
    private struct Slot {
        weak var loop: (any EventLoop)?
        let outbox: LoopOutbox
    }

    private static let slots = Mutex<[ObjectIdentifier: Slot]>([:])

    /// The outbox of `loop`. A broadcast group looks it up when it is built (once per membership change), a
    /// reply from another thread when it is sent.
    static func outbox(of loop: any EventLoop) -> LoopOutbox {
        let key = ObjectIdentifier(loop)
        return slots.withLock { slots in
            if let slot = slots[key], slot.loop === loop { return slot.outbox }
            // Loops of stopped groups (tests make many) leave empty slots behind; drop them as new loops come.
            slots = slots.filter { $0.value.loop != nil }
            let outbox = LoopOutbox()
            slots[key] = Slot(loop: loop, outbox: outbox)
            return outbox
        }
    }
}
