import DequeModule
import ReverbEngine

/// The console's bounded copy of the live stream, with the filtered view kept up to date incrementally
/// so a frame never rescans every row. Rows carry increasing sequence numbers; the oldest fall off
/// when the buffer is full and are counted.
public struct StreamBuffer: Sendable {
    public let capacity: Int
    private var rows: Deque<EngineEvent> = []
    /// Sequence number of `rows.first`.
    private var firstSequence = 0
    /// Sequence numbers of the rows the filter lets through, oldest first.
    private var visible: Deque<Int> = []
    /// Rows that fell off the front because the buffer was full.
    public private(set) var evicted = 0

    public var filter = StreamFilter() {
        didSet { if filter != oldValue { rebuildVisible() } }
    }

    public init(capacity: Int) {
        precondition(capacity > 0, "a stream buffer needs room for one row")
        self.capacity = capacity
    }

    /// Rows held, shown or not.
    public var totalCount: Int { rows.count }

    /// Rows that pass the filter.
    public var visibleCount: Int { visible.count }

    /// The `index`-th visible row, oldest first.
    public func visibleRow(_ index: Int) -> EngineEvent? {
        guard index >= 0, index < visible.count else { return nil }
        return rows[visible[index] - firstSequence]
    }

    /// Every visible row, oldest first (for export).
    public func visibleRows() -> [EngineEvent] {
        visible.map { rows[$0 - firstSequence] }
    }

    /// Appends new events, evicting the oldest rows beyond capacity. Returns how many of the
    /// appended rows are visible.
    @discardableResult
    public mutating func append(contentsOf events: some Sequence<EngineEvent>) -> Int {
        var shown = 0
        for event in events {
            if rows.count == capacity {
                rows.removeFirst()
                if visible.first == firstSequence { visible.removeFirst() }
                firstSequence += 1
                evicted += 1
            }
            let sequence = firstSequence + rows.count
            rows.append(event)
            if filter.matches(event) {
                visible.append(sequence)
                shown += 1
            }
        }
        return shown
    }

    private mutating func rebuildVisible() {
        visible.removeAll(keepingCapacity: true)
        for (offset, event) in rows.enumerated() where filter.matches(event) {
            visible.append(firstSequence + offset)
        }
    }
}
