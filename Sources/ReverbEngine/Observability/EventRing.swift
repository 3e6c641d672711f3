import DequeModule
import Synchronization

/// A bounded, lossy queue of engine events for one observer. The engine appends without ever waiting;
/// when the ring is full the oldest row is dropped and counted.
public final class EventRing: Sendable {
    private struct State {
        var events: Deque<EngineEvent> = []
        var dropped = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int) {
        precondition(capacity > 0, "an event ring needs room for at least one event")
        self.capacity = capacity
    }

    /// Appends one event, dropping the oldest when full.
    public func append(_ event: EngineEvent) {
        state.withLock { state in
            if state.events.count == capacity {
                state.events.removeFirst()
                state.dropped += 1
            }
            state.events.append(event)
        }
    }

    /// Takes every queued event, oldest first.
    public func drain() -> [EngineEvent] {
        state.withLock { state in
            let events = Array(state.events)
            state.events.removeAll(keepingCapacity: true)
            return events
        }
    }

    /// Events lost so far because the observer fell behind.
    public var droppedCount: Int { state.withLock { $0.dropped } }
}
