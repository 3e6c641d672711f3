import NIOCore
import NIOPosix
import Testing

/// The listener sets TCP_NODELAY once, on the listening socket, and relies on accepted sockets inheriting it
/// (no `setsockopt` per connection; docs/benchmarks.md, section k). This checks that premise on the machine.
@Suite("Accepted socket options")
struct AcceptedSocketOptionsTests {
    @Test("accepted sockets inherit TCP_NODELAY from the listening socket")
    func nodelayInherited() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let accepted = group.next().makePromise(of: (any Channel).self)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                accepted.succeed(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 0)
            .connect(to: try #require(server.localAddress)).get()
        let child = try await accepted.futureResult.get()
        let nodelay = try await child.getOption(.socketOption(.tcp_nodelay)).get()
        #expect(nodelay != 0)
        try await client.close()
        try await server.close()
        try await group.shutdownGracefully()
    }
}
