import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The first handler of every connection (behind TLS): reads the request head from the bytes itself and, for the
/// two requests that make up nearly all traffic, skips NIO's HTTP pipeline entirely.
///
/// - A WebSocket handshake for `{prefix}/app/{key}` that NIO's upgrader would accept is answered here with 101, and
///   `WebSocketChannelHandler` (which reads the frames itself) is added directly: no HTTP decoder, encoder,
///   pipelining handler or upgrader is built for the socket only to be taken down again.
/// - A plain API request (what Laravel sends: one signed `POST` per connection, or on a kept-alive one) goes to
///   `APIRouter` and its answer is written as one buffer of bytes.
///
/// Everything else (another method, chunked bodies, `Expect`, absolute-form targets, a malformed or oversized head,
/// the console stream, cluster reads, refused handshakes) is handed to NIO's HTTP pipeline with the bytes read so
/// far, so it gets exactly the answer it got before. The connection's clock (`handshake_timeout`, then
/// `http_idle_timeout` between kept-alive requests) is kept here with one timer that is re-armed only when it fires.
final class HTTPFastPath: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every connection's fast path shares; made once by the listener.
    struct Setup: Sendable {
        let router: APIRouter
        let sockets: SocketRoute
        /// Requests under the console stream's path always take NIO's pipeline.
        let consolePath: String
        let maxRequestSize: Int
        let maxFrameSize: Int
        /// Adds NIO's HTTP pipeline (with the WebSocket upgrader) and an `HTTPRequestHandler` that keeps the clock.
        let fallback:
            @Sendable (ChannelPipeline.SynchronousOperations, HTTPRequestHandler.Clock, NIODeadline) throws -> Void
    }

    private let setup: Setup
    private var engine: Engine { setup.router.engine }
    private var buffer: ByteBuffer?
    /// Handed over, upgraded or closing: nothing more is read here.
    private var finished = false
    private var clock = HTTPRequestHandler.Clock.handshake
    private var deadline = NIODeadline.distantFuture
    /// A scheduled callback to this handler rather than a scheduled task: no promise, future or closure per
    /// connection, and cancelling it at the upgrade frees nothing (docs/benchmarks.md, "the floor per operation").
    private var timer: NIOScheduledCallback?
    /// The context the clock works in while it runs; cleared when it stops (it points back at us).
    private var clockContext: ChannelHandlerContext?

    init(setup: Setup) {
        self.setup = setup
    }

    func handlerAdded(context: ChannelHandlerContext) {
        deadline = .now() + .seconds(Int64(engine.configuration.limits.handshakeTimeout))
        schedule(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopClock()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finished = true
        stopClock()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        var bytes = unwrapInboundIn(data)
        if buffer == nil {
            buffer = bytes
        } else {
            buffer!.writeBuffer(&bytes)
        }
        while !finished, let current = buffer {
            let request: PlainRequestHead
            let length: Int
            switch PlainRequestHead.scan(current) {
            case .incomplete: return
            case .unsupported: return handOver(context: context)
            case .head(let head, let headLength): (request, length) = (head, headLength)
            }
            let uri = request.head.uri
            if request.hasUpgrade {
                if request.upgradesToWebSocket, let key = socketKey(request) {
                    upgrade(request, appKey: key, headLength: length, context: context)
                } else {
                    handOver(context: context)
                }
                return
            }
            guard engine.cluster == nil, !uri.hasPrefix(setup.consolePath),
                request.size + request.contentLength <= setup.maxRequestSize
            else { return handOver(context: context) }
            guard current.readableBytes >= length + request.contentLength else { return }
            let body = current.getSlice(at: current.readerIndex + length, length: request.contentLength)
            if current.readableBytes == length + request.contentLength {
                buffer = nil
            } else {
                buffer!.moveReaderIndex(forwardBy: length + request.contentLength)
            }
            answer(request, body: body ?? ByteBuffer(), context: context)
        }
    }

    // MARK: WebSocket handshakes

    /// The app key when NIO's upgrader would accept this handshake as it stands; nil hands it to NIO.
    private func socketKey(_ request: PlainRequestHead) -> String? {
        let head = request.head
        guard head.method == .GET, head.version == .http1_1, request.connectionUpgrade, request.webSocketVersion13,
            let key = request.webSocketKey, HandshakeCheck.isValidKey(key), !request.hasContentLength,
            request.size <= setup.maxRequestSize, !head.uri.hasPrefix(setup.consolePath)
        else { return nil }
        return setup.sockets.key(head.uri)
    }

    private func upgrade(_ request: PlainRequestHead, appKey: String, headLength: Int, context: ChannelHandlerContext) {
        finished = true
        stopClock()
        // swift-format-ignore: NeverForceUnwrap
        let key = request.webSocketKey!
        var response = context.channel.allocator.buffer(capacity: 160)
        response.writeString(
            "HTTP/1.1 101 Switching Protocols\r\nX-Powered-By: reverb-tui\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Accept: \(WebSocketAccept.value(for: key))\r\nConnection: upgrade\r\n\r\n")
        // Not flushed yet: the handler's `connection_established` flushes both, one system call instead of two.
        context.write(wrapOutboundOut(response), promise: nil)
        var rest = buffer
        buffer = nil
        rest?.moveReaderIndex(forwardBy: headLength)
        let handler = WebSocketChannelHandler(
            engine: engine, sharedApp: engine.directory.sharedApp(key: appKey),
            origin: request.origin, maxFrameSize: setup.maxFrameSize)
        do {
            // No WebSocketFrameEncoder: every frame is encoded by `OutboundFrame` and written below where it would
            // sit, so the handler writes through its own context (docs/architecture.md, "The write path"). No frame
            // decoder either: the handler reads frames from the bytes itself.
            try context.pipeline.syncOperations.addHandler(handler)
        } catch {
            return context.close(promise: nil)
        }
        context.flush()  // the 101 leaves even if the handler wrote nothing (a no-op after its flush)
        if let rest, rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    // MARK: API requests

    private func answer(_ request: PlainRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let head = request.head
        let response = setup.router.respond(to: HTTPRequest(head: head, body: body))
        // Deferred answers are cluster reads, and with a cluster requests take NIO's pipeline.
        assert(response.deferred == nil)
        if response.status.code >= 400 && response.status.code != 404 {
            HTTPRequestHandler.reportRejection(response, head: head, engine: engine)
        }
        setup.router.account(method: head.method, uri: head.uri, status: response.status)
        let keepAlive = request.isKeepAlive
        var bytes = context.channel.allocator.buffer(capacity: 192 + response.body.readableBytes)
        bytes.writeStaticString(head.version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        bytes.writeString(String(response.status.code))
        bytes.writeStaticString(" ")
        bytes.writeString(response.status.reasonPhrase)
        bytes.writeStaticString("\r\n")
        for (name, value) in response.headers
        where !Self.isTransportHeader(name) {
            bytes.writeString(name)
            bytes.writeStaticString(": ")
            bytes.writeString(value)
            bytes.writeStaticString("\r\n")
        }
        bytes.writeStaticString("Content-Length: ")
        bytes.writeString(String(response.body.readableBytes))
        bytes.writeStaticString("\r\nCache-Control: no-cache, private\r\n")
        bytes.writeStaticString(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n")
        // A HEAD answer names the length a GET would have sent, without the body.
        if head.method != .HEAD { bytes.writeImmutableBuffer(response.body) }
        if keepAlive {
            clock = .idle
            deadline = .now() + .seconds(Int64(engine.configuration.limits.httpIdleTimeout))
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        } else {
            finished = true
            buffer = nil
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Headers the answer writes itself (as `HTTPRequestHandler` replaces them).
    private static func isTransportHeader(_ name: String) -> Bool {
        switch name.utf8.count {
        case 10: name.lowercased() == "connection"
        case 13: name.lowercased() == "cache-control"
        case 14: name.lowercased() == "content-length"
        default: false
        }
    }

    // MARK: Handing over

    /// Puts NIO's HTTP pipeline behind this handler, gives it the bytes read so far and steps out.
    private func handOver(context: ChannelHandlerContext) {
        finished = true
        stopClock()
        do {
            try setup.fallback(context.pipeline.syncOperations, clock, deadline)
        } catch {
            return context.close(promise: nil)
        }
        if let rest = buffer {
            buffer = nil
            context.fireChannelRead(wrapInboundOut(rest))
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    // MARK: Clock

    private func stopClock() {
        timer?.cancel()
        timer = nil
        clockContext = nil
    }

    /// One timer for the connection's deadline; requests move the deadline and the timer catches up when it fires.
    private func schedule(context: ChannelHandlerContext) {
        clockContext = context
        timer = try? context.eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: self)
    }

    private func clockFired() {
        timer = nil
        guard !finished, let context = clockContext else { return }
        guard NIODeadline.now() >= deadline else { return schedule(context: context) }
        finished = true
        clockContext = nil
        HTTPRequestHandler.reportTimeout(clock, engine: engine)
        context.close(promise: nil)
    }
}

extension HTTPFastPath: NIOScheduledCallbackHandler {
    func handleScheduledCallback(eventLoop: some EventLoop) {
        clockFired()
    }
}
