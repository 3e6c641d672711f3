import NIOCore

/// Something a `DeadlineHeap` holds: it keeps its own position in the heap, so that moving or removing it costs
/// O(log n) instead of a search.
protocol DeadlineHeapMember: AnyObject {
    /// The member's index in its heap; -1 while it is in none.
    var heapSlot: Int { get set }
}

/// A binary min-heap of members by deadline: 16 bytes per member (the deadline and the reference).
struct DeadlineHeap<Member: DeadlineHeapMember> {
    private struct Entry {
        var deadline: NIODeadline
        let member: Member
    }

    private var entries: [Entry] = []

    var count: Int { entries.count }

    /// The earliest deadline.
    var first: (deadline: NIODeadline, member: Member)? {
        entries.first.map { ($0.deadline, $0.member) }
    }

    /// Adds `member`, or moves it to `deadline` if it is in the heap already.
    mutating func set(_ member: Member, to deadline: NIODeadline) {
        let slot = member.heapSlot
        if slot >= 0 {
            let earlier = deadline < entries[slot].deadline
            entries[slot].deadline = deadline
            if earlier { siftUp(slot) } else { siftDown(slot) }
        } else {
            entries.append(Entry(deadline: deadline, member: member))
            member.heapSlot = entries.count - 1
            siftUp(entries.count - 1)
        }
    }

    /// Takes `member` out; nothing happens if it is not in the heap.
    mutating func remove(_ member: Member) {
        let slot = member.heapSlot
        guard slot >= 0, slot < entries.count, entries[slot].member === member else { return }
        member.heapSlot = -1
        let last = entries.count - 1
        if slot != last {
            entries.swapAt(slot, last)
            entries[slot].member.heapSlot = slot
        }
        entries.removeLast()
        if slot < entries.count {
            siftDown(slot)
            siftUp(slot)
        }
    }

    /// Removes and returns the member with the earliest deadline if that deadline is at or before `now`.
    mutating func popDue(now: NIODeadline) -> Member? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        remove(first.member)
        return first.member
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { return }
            swap(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            let right = left + 1
            let child = right < entries.count && entries[right].deadline < entries[left].deadline ? right : left
            guard entries[child].deadline < entries[parent].deadline else { return }
            swap(child, parent)
            parent = child
        }
    }

    private mutating func swap(_ a: Int, _ b: Int) {
        entries.swapAt(a, b)
        entries[a].member.heapSlot = a
        entries[b].member.heapSlot = b
    }
}
