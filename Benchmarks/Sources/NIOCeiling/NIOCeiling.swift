import ArgumentParser
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

#if canImport(Glibc)
    import Glibc
#endif

/// `nio-ceiling`: the least a SwiftNIO WebSocket broadcaster can do on this machine. Its fan-out throughput is
/// the ceiling the real server's fan-out is compared with.
@main
struct NIOCeiling: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nio-ceiling",
        abstract: "Raw SwiftNIO WebSocket broadcaster: accept, subscribe nothing, write one frame to all on POST."
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind (0: any free port).") var port = 0
    @Option(help: "Event-loop threads (default: one per core).") var threads = System.coreCount
    @Flag(
        name: .customLong("shared-frame"), help: "Write one frame buffer from every loop (A/B against per-loop copies)."
    )
    var sharedFrame = false
    @Flag(
        name: .customLong("two-pass"),
        help: "Write to every socket, then flush every socket (A/B against writeAndFlush).")
    var twoPass = false
    @Option(
        name: .customLong("recv-buffer-initial"),
        help: "Initial receive-buffer size per socket (NIO's default is 2048; each channel keeps its buffer)."
    )
    var recvBufferInitial: Int?
    @Flag(
        help: """
            Floor mode for ops-cost: no NIO HTTP pipeline, one handler per socket that answers API requests, \
            handshakes and subscriptions with the least work (docs/benchmarks.md, "the floor per operation").
            """)
    var floor = false

    func run() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.threads)
        var boxes: [ObjectIdentifier: NIOLoopBoundBox<SocketRegistry>] = [:]
        for loop in group.makeIterator() {
            boxes[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(SocketRegistry(), eventLoop: loop)
        }
        let registries = boxes
        let broadcaster = Broadcaster(
            registries: Array(registries.values),
            sharedFrame: self.sharedFrame,
            twoPass: self.twoPass
        )

        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 20,
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { channel, _ in
                channel.pipeline.removeHandler(name: "trigger").flatMap {
                    channel.eventLoop.makeCompletedFuture {
                        let registry = registries[ObjectIdentifier(channel.eventLoop)]!
                        try channel.pipeline.syncOperations.addHandler(
                            CeilingSocket(registry: registry), position: .first)
                    }
                }
            }
        )
        var bootstrap = ServerBootstrap(group: group)
        if self.floor {
            let channels = FloorChannels()
            // One accept per wake-up, as reverb-tui does: connections arrive one at a time here, and a second
            // `accept` would only return EAGAIN.
            bootstrap = bootstrap.serverChannelOption(.maxMessagesPerRead, value: 1).childChannelInitializer {
                channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FloorConnection(channels: channels))
                }
            }
        } else {
            bootstrap = bootstrap.childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                ).flatMap {
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            TriggerHandler(broadcaster: broadcaster),
                            name: "trigger"
                        )
                    }
                }
            }
        }
        if let initial = self.recvBufferInitial {
            bootstrap = bootstrap.childChannelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: initial, maximum: 65_536)
            )
        }
        let server =
            try await bootstrap
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: self.host, port: self.port).get()
        print("INFO  Starting server on \(self.host):\(server.localAddress?.port ?? self.port).")
        fflush(nil)
        try await server.closeFuture.get()
    }
}
