import BenchCore
import NIOCore
import NIOPosix
import Synchronization

/// One API request travelling down a publisher connection, with the promise its response completes.
struct PublishRequest: Sendable {
    var bytes: ByteBuffer
    var promise: EventLoopPromise<HTTPResponseScanner.Response>
}

/// A keep-alive HTTP/1.1 connection that sends queued requests one at a time (no pipelining on the wire,
/// which servers need not support) and completes each request's promise with its response.
final class PublisherHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = PublishRequest
    typealias OutboundOut = ByteBuffer

    private var queue: [PublishRequest] = []
    private var queueHead = 0
    private var inFlight = false
    private var received: [UInt8] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        self.queue.append(Self.unwrapOutboundIn(data))
        promise?.succeed(())
        self.sendNext(context: context)
    }

    private func sendNext(context: ChannelHandlerContext) {
        guard !self.inFlight, self.queueHead < self.queue.count else { return }
        self.inFlight = true
        context.writeAndFlush(Self.wrapOutboundOut(self.queue[self.queueHead].bytes), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.received += Self.unwrapInboundIn(data).readableBytesView
        while self.inFlight, let response = HTTPResponseScanner.scan(self.received) {
            self.received.removeFirst(response.length)
            let request = self.queue[self.queueHead]
            self.queueHead += 1
            if self.queueHead > 1024 {
                self.queue.removeFirst(self.queueHead)
                self.queueHead = 0
            }
            self.inFlight = false
            request.promise.succeed(response)
            if response.closes {
                context.close(promise: nil)
                return
            }
            self.sendNext(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        for request in self.queue[self.queueHead...] { request.promise.fail(ChannelError.ioOnClosedChannel) }
        self.queue = []
        self.queueHead = 0
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension PublisherHandler: Sendable {}

/// Publishes signed events on the HTTP API over one keep-alive connection, reconnecting when the server closes.
final class Publisher: Sendable {
    let group: MultiThreadedEventLoopGroup
    let target: Target
    private let connection = Mutex<(any Channel)?>(nil)
    let ok = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let firstFailure = Mutex<String?>(nil)

    init(group: MultiThreadedEventLoopGroup, target: Target) {
        self.group = group
        self.target = target
    }

    private func channel() async throws -> any Channel {
        if let channel = self.connection.withLock({ $0 }), channel.isActive { return channel }
        let channel = try await ClientBootstrap(group: self.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(PublisherHandler())
                }
            }
            .connect(host: self.target.host, port: self.target.port).get()
        self.connection.withLock { $0 = channel }
        return channel
    }

    /// The signed request bytes for a POST of `body` to `/apps/{id}/{endpoint}`.
    func request(endpoint: String, body: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        let path = "/apps/\(self.target.appID)/\(endpoint)"
        let bodyBytes = Array(body.utf8)
        let query = PusherSigning.signedQuery(
            method: "POST",
            path: path,
            body: bodyBytes,
            key: self.target.key,
            secret: self.target.secret,
            timestamp: Int(MonotonicClock.wallSeconds())
        )
        let head =
            "POST \(path)?\(query) HTTP/1.1\r\nHost: \(self.target.host):\(self.target.port)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(bodyBytes.count)\r\n\r\n"
        var buffer = allocator.buffer(capacity: head.utf8.count + bodyBytes.count)
        buffer.writeString(head)
        buffer.writeBytes(bodyBytes)
        return buffer
    }

    /// Sends a request built at send time by `make` and waits for its response; counts outcomes.
    @discardableResult
    func post(endpoint: String, body make: () -> String) async -> Bool {
        do {
            let channel = try await self.channel()
            let promise = channel.eventLoop.makePromise(of: HTTPResponseScanner.Response.self)
            let bytes = self.request(endpoint: endpoint, body: make(), allocator: channel.allocator)
            channel.writeAndFlush(PublishRequest(bytes: bytes, promise: promise), promise: nil)
            let response = try await promise.futureResult.get()
            if response.status == 200 {
                self.ok.add(1, ordering: .relaxed)
                return true
            }
            self.fail("HTTP \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        } catch {
            self.fail("\(error)")
        }
        return false
    }

    /// Queues a request without waiting for its response (fixed-rate publishing must not wait, or a slow
    /// server would lower the offered rate and hide its own latency). The outcome is counted when it arrives.
    func postNoWait(endpoint: String, body make: () -> String) async {
        do {
            let channel = try await self.channel()
            let promise = channel.eventLoop.makePromise(of: HTTPResponseScanner.Response.self)
            let bytes = self.request(endpoint: endpoint, body: make(), allocator: channel.allocator)
            channel.writeAndFlush(PublishRequest(bytes: bytes, promise: promise), promise: nil)
            promise.futureResult.whenComplete { result in
                switch result {
                case .success(let response) where response.status == 200: self.ok.add(1, ordering: .relaxed)
                case .success(let response): self.fail("HTTP \(response.status)")
                case .failure(let error): self.fail("\(error)")
                }
            }
        } catch {
            self.fail("\(error)")
        }
    }

    private func fail(_ text: String) {
        self.failed.add(1, ordering: .relaxed)
        self.firstFailure.withLock { if $0 == nil { $0 = text } }
    }

    func close() async {
        try? await self.connection.withLock({ $0 })?.close().get()
    }
}
