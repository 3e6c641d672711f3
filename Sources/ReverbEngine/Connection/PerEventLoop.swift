import NIOCore
import Synchronization

/// One object per event loop for the life of the process, made on first use: each loop's `LoopOutbox` and its
/// `KeepAliveQueue`. Looked up when a socket opens or a broadcast group is built, not per message.
final class PerEventLoop<Value: AnyObject & Sendable>: Sendable {
    private struct Slot {
        weak var loop: (any EventLoop)?
        let value: Value
    }

    private let slots = Mutex<[ObjectIdentifier: Slot]>([:])
    private let make: @Sendable () -> Value

    init(_ make: @escaping @Sendable () -> Value) { self.make = make }

    /// The object of `loop`.
    func value(of loop: any EventLoop) -> Value {
        let key = ObjectIdentifier(loop)
        return slots.withLock { slots in
            if let slot = slots[key], slot.loop === loop { return slot.value }
            // Loops of stopped groups (tests make many) leave empty slots behind; drop them as new loops come.
            slots = slots.filter { $0.value.loop != nil }
            let value = make()
            slots[key] = Slot(loop: loop, value: value)
            return value
        }
    }
}
