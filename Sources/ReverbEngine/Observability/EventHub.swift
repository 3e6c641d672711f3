import Synchronization

/// Fans engine events out to every observer's ring. With no observer, `emit` builds nothing and costs one
/// atomic load.
final class EventHub: Sendable {
    private let rings = Mutex<[EventRing]>([])
    private let observed = Atomic<Bool>(false)

    var isObserved: Bool { observed.load(ordering: .relaxed) }

    func add(_ ring: EventRing) {
        rings.withLock { rings in
            rings.append(ring)
            observed.store(true, ordering: .relaxed)
        }
    }

    func remove(_ ring: EventRing) {
        rings.withLock { rings in
            rings.removeAll { $0 === ring }
            observed.store(!rings.isEmpty, ordering: .relaxed)
        }
    }

    /// Builds the event only when somebody observes.
    @inline(__always)
    func emit(_ makeEvent: () -> EngineEvent) {
        guard isObserved else { return }
        let event = makeEvent()
        for ring in rings.withLock({ $0 }) { ring.append(event) }
    }

    var droppedCount: Int { rings.withLock { $0 }.reduce(0) { $0 + $1.droppedCount } }
}
