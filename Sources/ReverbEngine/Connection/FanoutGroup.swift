import NIOCore

/// The recipients of one broadcast that live on one event loop, ready to be written in one task.
struct FanoutGroup: Sendable {
    let loop: any EventLoop
    /// The loop's queue of writes, looked up once when the group is built.
    let outbox: LoopOutbox
    fileprivate(set) var writers: [SocketWriter] = []

    init(loop: any EventLoop) {
        self.loop = loop
        self.outbox = LoopOutbox.of(loop)
    }

    private init(loop: any EventLoop, outbox: LoopOutbox) {
        self.loop = loop
        self.outbox = outbox
    }

    var count: Int { writers.count }

    /// Splits sockets by event loop, keeping their order within each loop. The first broadcast on a channel runs
    /// this over all its subscribers, so it counts first and fills arrays of the right size: no array grows while
    /// it is filled, and loops are told apart by identity among the few there are (one per core).
    static func partition(_ writers: [SocketWriter]) -> [FanoutGroup] {
        var loops: [ObjectIdentifier] = []
        var counts: [Int] = []
        for writer in writers {
            let loop = ObjectIdentifier(writer.eventLoop)
            if let slot = loops.firstIndex(of: loop) {
                counts[slot] += 1
            } else {
                loops.append(loop)
                counts.append(1)
            }
        }
        var groups: [FanoutGroup] = []
        groups.reserveCapacity(loops.count)
        for writer in writers {
            // swift-format-ignore: NeverForceUnwrap
            let slot = loops.firstIndex(of: ObjectIdentifier(writer.eventLoop))!
            if slot == groups.count {
                var group = FanoutGroup(loop: writer.eventLoop)
                group.writers.reserveCapacity(counts[slot])
                groups.append(group)
            }
            groups[slot].writers.append(writer)
        }
        return groups
    }

    /// The same group without one socket, told apart by identity: comparing socket ids was a string comparison
    /// per recipient.
    fileprivate func excluding(_ excluded: SocketWriter) -> FanoutGroup {
        var group = FanoutGroup(loop: loop, outbox: outbox)
        group.writers = writers.filter { $0 !== excluded }
        return group
    }
}

extension [FanoutGroup] {
    /// The same groups without one socket. Only the group of its event loop is copied; the others keep sharing
    /// the channel's arrays.
    func excluding(_ excluded: SocketWriter) -> [FanoutGroup] {
        map { group in group.loop === excluded.eventLoop ? group.excluding(excluded) : group }
    }

    /// Adds a socket to the group of its event loop (a new group for a loop not yet here).
    mutating func insert(_ writer: SocketWriter) {
        let loop = writer.eventLoop
        if let index = firstIndex(where: { $0.loop === loop }) {
            self[index].writers.append(writer)
        } else {
            var group = FanoutGroup(loop: loop)
            group.writers = [writer]
            append(group)
        }
    }

    /// Takes a socket out of the group of its event loop (and the group out once it is empty).
    mutating func remove(_ writer: SocketWriter) {
        let loop = writer.eventLoop
        guard let index = firstIndex(where: { $0.loop === loop }),
            let position = self[index].writers.firstIndex(where: { $0 === writer })
        else { return }
        self[index].writers.remove(at: position)
        if self[index].writers.isEmpty { remove(at: index) }
    }
}
