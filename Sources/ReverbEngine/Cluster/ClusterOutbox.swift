import DequeModule

/// Envelopes waiting for Redis, in order: every accepted event is kept until Redis acknowledged it, so a Redis
/// outage delays events but never loses one. Bounded: when full, the HTTP API answers 503.
struct ClusterOutbox {
    struct Entry {
        var sequence: Int
        var command: [String]
    }

    let capacity: Int
    private(set) var entries = Deque<Entry>()
    /// Entries at the front already written to the current connection.
    var inFlight = 0
    /// True once everything queued has been resent on the current connection: only then may a new entry go
    /// straight out, or it could overtake older ones (and receivers would drop those as already seen).
    var live = false
    private var nextSequence = 1

    init(capacity: Int) {
        self.capacity = capacity
    }

    func hasRoom(for count: Int) -> Bool { entries.count + count <= capacity }

    /// Appends a command built for the next sequence number; nil when full.
    mutating func append(_ makeCommand: (Int) -> [String]) -> Entry? {
        guard entries.count < capacity else { return nil }
        let entry = Entry(sequence: nextSequence, command: makeCommand(nextSequence))
        nextSequence += 1
        entries.append(entry)
        return entry
    }

    /// Drops every entry up to `sequence` (replies come in order).
    mutating func acknowledge(through sequence: Int) {
        while let first = entries.first, first.sequence <= sequence {
            entries.removeFirst()
            inFlight = max(0, inFlight - 1)
        }
    }
}
