import NIOCore

/// A channel handler context that crosses threads but is only ever used on its own event loop.
///
/// `NIOLoopBound` without the per-access check: the broadcast hot path touches one per subscriber, and
/// `BroadcastWriter` only dereferences it inside a task running on that loop.
struct LoopConfinedContext: @unchecked Sendable {
    let context: ChannelHandlerContext
}

/// The recipients of one broadcast that live on one event loop, ready to be written in one task.
struct FanoutGroup: Sendable {
    let loop: any EventLoop
    private(set) var handles: [ConnectionHandle] = []
    private(set) var outputs: [LoopConfinedContext?] = []

    init(loop: any EventLoop) {
        self.loop = loop
    }

    var count: Int { handles.count }

    mutating func append(_ handle: ConnectionHandle) {
        handles.append(handle)
        outputs.append(handle.frameOutput)
    }

    /// Splits handles by event loop, keeping their order within each loop.
    static func partition(_ handles: [ConnectionHandle]) -> [FanoutGroup] {
        var groups: [FanoutGroup] = []
        for handle in handles {
            let loop = handle.eventLoop
            if let index = groups.firstIndex(where: { $0.loop === loop }) {
                groups[index].append(handle)
            } else {
                var group = FanoutGroup(loop: loop)
                group.append(handle)
                groups.append(group)
            }
        }
        return groups
    }

    /// The same group without one socket.
    func excluding(socketID: String) -> FanoutGroup {
        var group = FanoutGroup(loop: loop)
        for handle in handles where handle.socketID != socketID { group.append(handle) }
        return group
    }
}
