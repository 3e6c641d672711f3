import NIOCore

/// The recipients of one broadcast that live on one event loop, ready to be written in one task.
struct FanoutGroup: Sendable {
    let loop: any EventLoop
    /// The loop's queue of writes, looked up once when the group is built.
    let outbox: LoopOutbox
    private(set) var writers: [SocketWriter] = []

    init(loop: any EventLoop) {
        self.loop = loop
        self.outbox = LoopOutbox.of(loop)
    }

    private init(loop: any EventLoop, outbox: LoopOutbox) {
        self.loop = loop
        self.outbox = outbox
    }

    var count: Int { writers.count }

    /// Splits sockets by event loop, keeping their order within each loop.
    static func partition(_ writers: [SocketWriter]) -> [FanoutGroup] {
        var groups: [FanoutGroup] = []
        for writer in writers {
            let loop = writer.eventLoop
            if let index = groups.firstIndex(where: { $0.loop === loop }) {
                groups[index].writers.append(writer)
            } else {
                var group = FanoutGroup(loop: loop)
                group.writers.append(writer)
                groups.append(group)
            }
        }
        return groups
    }

    /// The same group without one socket.
    func excluding(socketID: String) -> FanoutGroup {
        var group = FanoutGroup(loop: loop, outbox: outbox)
        group.writers = writers.filter { $0.socketID != socketID }
        return group
    }
}
