import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// `GET /metrics` on its own port (`--metrics-port`), kept off the public port so scrapes need no signature and
/// the internet cannot read them. The body comes from the exporter the executable bootstrapped
/// (Prometheus text format); the engine only serves the bytes.
public final class MetricsEndpoint: Service, Sendable {
    public typealias Exposition = @Sendable () -> [UInt8]

    private let host: String
    private let requestedPort: Int
    private let exposition: Exposition
    private let channel = Mutex<(any Channel)?>(nil)

    public init(host: String, port: Int, exposition: @escaping Exposition) {
        self.host = host
        self.requestedPort = port
        self.exposition = exposition
    }

    /// Binds the port; returns the bound port (useful with port 0).
    @discardableResult
    public func start() async throws -> Int {
        let exposition = self.exposition
        let bound = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(exposition: exposition))
                }
            }
            .bind(host: host, port: requestedPort).get()
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? requestedPort
    }

    public var port: Int? { channel.withLock { $0?.localAddress?.port } }

    public func run() async throws {
        if channel.withLock({ $0 }) == nil { try await start() }
        try? await gracefulShutdown()
        let bound = channel.withLock { channel in
            defer { channel = nil }
            return channel
        }
        try? await bound?.close()
    }

    /// Answers `GET /metrics` (and `HEAD`), 404 elsewhere, 405 for other methods.
    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let exposition: Exposition
        private var head: HTTPRequestHead?

        init(exposition: @escaping Exposition) {
            self.exposition = exposition
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body: break
            case .end:
                guard let head else { return }
                self.head = nil
                let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
                var status = HTTPResponseStatus.ok
                var body: [UInt8]
                var contentType = "text/plain; version=0.0.4; charset=utf-8"
                if path != "/metrics" {
                    status = .notFound
                    body = Array("Not found: metrics are at /metrics.\n".utf8)
                    contentType = "text/plain; charset=utf-8"
                } else if head.method != .GET && head.method != .HEAD {
                    status = .methodNotAllowed
                    body = Array("Method not allowed.\n".utf8)
                    contentType = "text/plain; charset=utf-8"
                } else {
                    body = exposition()
                }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: contentType)
                headers.add(name: "Content-Length", value: String(body.count))
                headers.add(name: "Connection", value: head.isKeepAlive ? "keep-alive" : "close")
                if status == .methodNotAllowed { headers.add(name: "Allow", value: "GET, HEAD") }
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                    promise: nil)
                if head.method != .HEAD {
                    context.write(
                        wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                        promise: nil)
                }
                let keepAlive = head.isKeepAlive
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                    if !keepAlive { channel.close(promise: nil) }
                }
            }
        }
    }
}
