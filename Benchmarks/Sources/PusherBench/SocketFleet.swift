import BenchCore
import NIOCore
import NIOPosix
import Synchronization

/// Opens many sockets with a bounded number of handshakes in flight, spread over source addresses.
struct SocketFleet {
    let group: MultiThreadedEventLoopGroup
    let sink: SocketSink
    /// Source addresses to bind before connecting (empty: let the kernel choose 127.0.0.1).
    let sources: [String]
    let window: Int

    /// Opens one socket per plan; returns the handles once every handshake settled or `deadline` passed.
    func open(_ plans: [SocketPlan], deadline: ContinuousClock.Instant) async -> [SocketHandle] {
        var handles: [SocketHandle] = []
        handles.reserveCapacity(plans.count)
        let startSettled = self.sink.settled.load(ordering: .relaxed)
        for (n, plan) in plans.enumerated() {
            while n - (self.sink.settled.load(ordering: .relaxed) - startSettled) >= self.window {
                if ContinuousClock.now > deadline { return handles }
                try? await Task.sleep(for: .milliseconds(1))
            }
            let handle = SocketHandle(index: plan.index)
            handles.append(handle)
            self.connect(plan, handle: handle)
        }
        while self.sink.settled.load(ordering: .relaxed) - startSettled < plans.count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
        return handles
    }

    private func connect(_ plan: SocketPlan, handle: SocketHandle) {
        let sink = self.sink
        var bootstrap = ClientBootstrap(group: self.group)
            .connectTimeout(.seconds(10))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                // Close with RST: tens of thousands of client-side TIME_WAITs would otherwise slow down
                // binding the source ports of the next run.
                _ = (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        PusherSocketHandler(plan: plan, sink: sink, handle: handle)
                    )
                }
            }
        if !self.sources.isEmpty,
            let source = try? SocketAddress(
                ipAddress: self.sources[plan.index % self.sources.count],
                port: 0
            )
        {
            bootstrap = bootstrap.bind(to: source)
        }
        bootstrap.connect(host: plan.target.host, port: plan.target.port).whenComplete { result in
            switch result {
            case .success(let channel):
                handle.channel.withLock { $0 = channel }
            case .failure:
                sink.connectFailures.add(1, ordering: .relaxed)
                sink.settled.add(1, ordering: .relaxed)
            }
        }
    }

    /// Closes every socket and waits briefly for the closes to go out.
    func closeAll(_ handles: [SocketHandle]) async {
        self.sink.closing.store(true, ordering: .relaxed)
        var futures: [EventLoopFuture<Void>] = []
        for handle in handles {
            if let channel = handle.channel.withLock({ $0 }) { futures.append(channel.close()) }
        }
        for future in futures { try? await future.get() }
    }
}
