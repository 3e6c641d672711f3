#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// Binds the one port that serves both WebSockets (`{prefix}/app/{key}`) and the HTTP API, plain or TLS.
enum Listener {
    static let httpHandlerName = "reverb-http"

    /// Returns one listening channel per event loop of `group`, all on the same port. With `certificates`, every
    /// connection starts with a TLS handshake on the store's current context.
    static func bind(
        engine: Engine, group: any EventLoopGroup, certificates: CertificateStore?, logger: Logger
    ) async throws -> [any Channel] {
        let configuration = engine.configuration
        let (host, port) = (configuration.host, configuration.port)
        let router = APIRouter(engine: engine)
        let sockets = SocketRoute(routePrefix: configuration.routePrefix)
        @Sendable func socketKey(_ uri: String) -> String? { sockets.key(uri) }
        let console = ConsoleStreamRoute(engine: engine)
        let maxFrameSize = InboundFrame.maxFrameSize(for: configuration)
        /// The app of a request for the console stream; nil for Pusher sockets.
        @Sendable func consoleApp(_ head: HTTPRequestHead) -> Application? {
            guard head.uri.hasPrefix(console.path), case let request = HTTPRequest(head: head, body: ByteBuffer()),
                console.matches(request)
            else { return nil }
            return request.queryValue("app_id").flatMap(engine.directory.app(id:))
        }

        let webSocketUpgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: maxFrameSize, automaticErrorHandling: false,
            shouldUpgrade: { channel, head in
                // Only a request for the console path is parsed further; socket upgrades pay one prefix check.
                if head.uri.hasPrefix(console.path), case let request = HTTPRequest(head: head, body: ByteBuffer()),
                    console.matches(request)
                {
                    let admitted = console.admit(request) != nil
                    return channel.eventLoop.makeSucceededFuture(admitted ? ["X-Powered-By": "reverb-tui"] : nil)
                }
                guard socketKey(head.uri) != nil, HTTPRequestHandler.size(of: head) <= configuration.maxRequestSize
                else { return channel.eventLoop.makeSucceededFuture(nil) }
                if let refusal = HandshakeCheck.refusal(for: head) {
                    return channel.eventLoop.makeFailedFuture(refusal)
                }
                return channel.eventLoop.makeSucceededFuture(["X-Powered-By": "reverb-tui"])
            },
            upgradePipelineHandler: { channel, head in
                // Only the console stream gets here (`SocketUpgrader` sets up Pusher sockets itself).
                guard let app = consoleApp(head) else {
                    return channel.eventLoop.makeFailedFuture(ChannelError.inappropriateOperationForState)
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConsoleStreamHandler(engine: engine, app: app))
                }
            })
        let upgrader = SocketUpgrader(
            upgrader: webSocketUpgrader, isSocket: { consoleApp($0) == nil },
            socketPipeline: { channel, head in
                let handler = WebSocketChannelHandler(
                    engine: engine, sharedApp: socketKey(head.uri).flatMap(engine.directory.sharedApp(key:)),
                    origin: head.headers.first(name: "Origin"), maxFrameSize: maxFrameSize)
                try channel.pipeline.syncOperations.addHandler(handler)
            })

        // Requests the fast path does not answer itself get NIO's HTTP pipeline, built only for them.
        let fastPath = HTTPFastPath.Setup(
            router: router, sockets: sockets, consolePath: console.path, maxRequestSize: configuration.maxRequestSize,
            maxFrameSize: maxFrameSize,
            fallback: { pipeline, clock, deadline in
                try pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (
                        upgraders: [upgrader],
                        completionHandler: { context in
                            context.pipeline.removeHandler(name: Listener.httpHandlerName, promise: nil)
                        }
                    ))
                try pipeline.addHandler(
                    HTTPRequestHandler(
                        router: router, maxRequestSize: configuration.maxRequestSize, resuming: (clock, deadline)),
                    name: httpHandlerName)
            })

        let waterMark = ChannelOptions.Types.WriteBufferWaterMark(
            low: configuration.writeBufferLimit / 2, high: configuration.writeBufferLimit)
        let budget = FileDescriptorBudget()
        /// A listener on `loop` whose connections stay on `loop`.
        func bootstrap(on loop: any EventLoop, sharingPort: Bool) -> ServerBootstrap {
            let bootstrap = ServerBootstrap(group: loop, childGroup: loop)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            AcceptThrottle(engine: engine, budget: budget, logger: logger))
                    }
                }
                .serverChannelOption(.backlog, value: 4096)
                // One accept per wake-up, so that a pause near the open-file limit takes effect before the next
                // `accept` rather than after a batch of them (see `FileDescriptorBudget`).
                .serverChannelOption(.maxMessagesPerRead, value: 1)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // Accepted sockets inherit TCP_NODELAY from the listening one (Linux and the BSDs copy it at
                // accept), so no `setsockopt` per connection.
                .serverChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // The accepted socket's options, set here directly: as `childChannelOption`s NIO applies
                        // each through a chain of futures, for every connection (docs/benchmarks.md, "the floor
                        // per operation").
                        if let options = channel.syncOptions {
                            try options.setOption(.maxMessagesPerRead, value: 16)
                            // Idle Pusher sockets read a subscribe and pings: start their receive buffer small
                            // (NIO keeps one per channel), it grows for larger reads. 2 KiB → 256 B saves ~1.8 KB
                            // per connection.
                            try options.setOption(
                                .recvAllocator,
                                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65_536))
                            try options.setOption(.writeBufferWaterMark, value: waterMark)
                        }
                        let pipeline = channel.pipeline.syncOperations
                        if let certificates {
                            try pipeline.addHandler(NIOSSLServerHandler(context: certificates.current))
                            try pipeline.addHandler(TLSHandshakeObserver(engine: engine))
                        }
                        try pipeline.addHandler(HTTPFastPath(setup: fastPath))
                    }
                }
            return sharingPort
                ? bootstrap.serverChannelOption(.socketOption(.init(rawValue: SO_REUSEPORT)), value: 1) : bootstrap
        }

        // One listening socket per event loop, sharing the port (SO_REUSEPORT): the kernel spreads connections
        // over them and each loop accepts its own, so no connection is handed from the accepting loop to another
        // (a wake-up and a task each way; docs/benchmarks.md, "One listener per event loop").
        let loops = Array(group.makeIterator())
        guard loops.count > 1 else {
            return [try await bootstrap(on: loops[0], sharingPort: false).bind(host: host, port: port).get()]
        }
        // Sharing the port must not let a second server join one that is already running: a socket bound without
        // SO_REUSEPORT fails with EADDRINUSE on a port anybody listens on, so bind one first and close it. It never
        // accepts (no `autoRead`): a client that connects in that moment is refused when it closes, and retries.
        if port != 0 {
            let probe = try await ServerBootstrap(group: loops[0])
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.autoRead, value: false)
                .bind(host: host, port: port).get()
            try await probe.close()
        }
        var listeners: [any Channel] = []
        do {
            for loop in loops {
                let boundPort = listeners.first?.localAddress?.port ?? port
                listeners.append(
                    try await bootstrap(on: loop, sharingPort: true).bind(host: host, port: boundPort).get())
            }
        } catch {
            for listener in listeners { try? await listener.close() }
            throw error
        }
        return listeners
    }
}
