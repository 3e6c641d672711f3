import NIOCore
import Synchronization
import NIOHTTP1
import NIOWebSocket

/// Serves the plain HTTP side of the port: collects each request (at most `max_request_size` bytes),
/// answers it through `APIRouter`, keeps the connection alive when the client asks to.
///
/// A connection that is not yet a WebSocket is on a clock: it has `handshake_timeout` seconds from accept to send
/// a whole request, and `http_idle_timeout` seconds between kept-alive requests. Silent and slowloris sockets are
/// closed instead of being held forever.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: APIRouter
    private let engine: Engine
    private let maxRequestSize: Int
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var size = 0
    private var rejected = false
    /// Why a WebSocket upgrade of this request was refused, when it was.
    private var upgradeFailure: (any Error)?
    /// The last response still being computed (a cluster read): later ones on this connection wait for it so
    /// pipelined requests are answered in order.
    private var pending: EventLoopFuture<Void>?
    private var deadline: Scheduled<Void>?

    /// The clock that runs when the handler is added: by default `handshake_timeout` from now; `HTTPFastPath`
    /// passes on the deadline it was keeping when it hands a connection over.
    private let resumedClock: (clock: Clock, deadline: NIODeadline)?

    init(router: APIRouter, maxRequestSize: Int, resuming clock: (Clock, NIODeadline)? = nil) {
        self.router = router
        self.engine = router.engine
        self.maxRequestSize = maxRequestSize
        self.resumedClock = clock
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if let resumed = resumedClock {
            arm(resumed.clock, at: resumed.deadline, context: context)
        } else {
            arm(.handshake, context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Removed on a WebSocket upgrade: from here keep-alive and the write-buffer limit watch the socket.
        deadline?.cancel()
        deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = nil
            self.rejected = false
            self.size = Self.size(of: head)
            checkSize(context: context)
        case .body(var chunk):
            guard !rejected else { return }
            size += chunk.readableBytes
            guard checkSize(context: context) else { return }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let head, !rejected else { return }
            self.head = nil
            deadline?.cancel()
            deadline = nil
            let request = HTTPRequest(head: head, body: body ?? ByteBuffer())
            body = nil
            let response: HTTPResponse
            if let failure = upgradeFailure {
                response = Self.upgradeRefusal(failure, head: head)
            } else if head.method == .CONNECT {
                response = Self.connectRefusal
            } else {
                response = router.respond(to: request)
            }
            upgradeFailure = nil
            let keepAlive = head.isKeepAlive
            if response.status.code >= 400 && response.status.code != 404 { reportRejection(response, head: head) }
            guard response.deferred != nil || pending != nil else {
                router.account(method: head.method, uri: head.uri, status: response.status)
                write(response, keepAlive: keepAlive, head: head, context: context)
                if head.method == .CONNECT { replaceDecoderAfterConnect(context: context) }
                return
            }
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            let answer = response.deferred?.hop(to: loop) ?? loop.makeSucceededFuture(response)
            let previous = pending ?? loop.makeSucceededVoidFuture()
            let done = previous.flatMap { _ in answer }.map { response in
                let (handler, context) = bound.value
                handler.router.account(method: head.method, uri: head.uri, status: response.status)
                handler.write(response, keepAlive: keepAlive, head: head, context: context)
            }
            pending = done
            done.whenComplete { _ in
                let (handler, _) = bound.value
                if handler.pending === done { handler.pending = nil }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? NIOWebSocketUpgradeError {
            // Not a socket route: the router answers 404 like any unknown path.
            if error != .unsupportedWebSocketTarget { upgradeFailure = error }
            return
        }
        if let refusal = error as? HandshakeCheck.Refusal {
            upgradeFailure = refusal
            return
        }
        if error is HTTPParserError {
            engine.totals.protection.protocolErrors.increment()
            engine.events.emit {
                EngineEvent(kind: .error, appID: "", code: 400, detail: "Malformed HTTP request: \(error)")
            }
        }
        context.close(promise: nil)
    }

    // MARK: Timeouts

    /// Which limit a connection that is not (yet) a WebSocket is waiting under.
    enum Clock { case handshake, idle }

    /// Closes the connection unless a whole request arrives in time.
    private func arm(_ clock: Clock, context: ChannelHandlerContext) {
        let limits = engine.configuration.limits
        let seconds = clock == .handshake ? limits.handshakeTimeout : limits.httpIdleTimeout
        arm(clock, at: .now() + .seconds(Int64(seconds)), context: context)
    }

    private func arm(_ clock: Clock, at time: NIODeadline, context: ChannelHandlerContext) {
        deadline?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: time) {
            self.timedOut(clock, context: loopBound.value)
        }
    }

    private func timedOut(_ clock: Clock, context: ChannelHandlerContext) {
        deadline = nil
        Self.reportTimeout(clock, engine: engine)
        context.close(promise: nil)
    }

    /// Counts (and for the handshake clock reports) a connection closed because its clock ran out.
    static func reportTimeout(_ clock: Clock, engine: Engine) {
        let protection = engine.totals.protection
        switch clock {
        case .handshake:
            protection.handshakeTimeouts.increment()
            let seconds = engine.configuration.limits.handshakeTimeout
            engine.events.emit {
                EngineEvent(
                    kind: .error, appID: "", code: 408,
                    detail: "No complete HTTP request or WebSocket upgrade within \(seconds)s; connection closed")
            }
        case .idle:
            // An idle keep-alive connection is ordinary; closing it is housekeeping, not an error.
            protection.idleTimeouts.increment()
        }
    }

    // MARK: Answers

    @discardableResult
    private func checkSize(context: ChannelHandlerContext) -> Bool {
        guard size > maxRequestSize, let head else { return true }
        rejected = true
        let response = HTTPResponse.text(.payloadTooLarge, "Payload too large.")
        router.account(method: head.method, uri: head.uri, status: response.status)
        reportRejection(response, head: head)
        write(response, keepAlive: false, head: head, context: context)
        return false
    }

    /// Bytes of a request line and headers, as they count against `max_request_size`.
    static func size(of head: HTTPRequestHead) -> Int {
        head.uri.utf8.count + head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }

    /// A clear answer to a WebSocket handshake that was refused (wrong version, method or key).
    static func upgradeRefusal(_ error: any Error, head: HTTPRequestHead) -> HTTPResponse {
        if let refusal = error as? HandshakeCheck.Refusal {
            var response = HTTPResponse.text(refusal.status, refusal.message)
            if let allow = refusal.allow { response.headers.add(name: "Allow", value: allow) }
            return response
        }
        if head.headers.first(name: "Sec-WebSocket-Version").map({ $0 != "13" }) == true {
            var response = HTTPResponse.text(
                .upgradeRequired, "Unsupported WebSocket version: use Sec-WebSocket-Version 13.")
            response.headers.add(name: "Sec-WebSocket-Version", value: "13")
            return response
        }
        return .text(
            .badRequest,
            "Invalid WebSocket handshake: a single Sec-WebSocket-Key and Sec-WebSocket-Version 13 are required.")
    }

    /// This server is not a proxy: CONNECT is refused, and the connection stays usable for ordinary requests.
    static var connectRefusal: HTTPResponse {
        var response = HTTPResponse.text(.methodNotAllowed, "Method not allowed.")
        response.headers.add(name: "Allow", value: "GET, HEAD, POST")
        return response
    }

    private func reportRejection(_ response: HTTPResponse, head: HTTPRequestHead) {
        Self.reportRejection(response, head: head, engine: engine)
    }

    /// Refused requests show in --debug and the console's error filter (404s are ordinary and stay quiet).
    static func reportRejection(_ response: HTTPResponse, head: HTTPRequestHead, engine: Engine) {
        let status = Int(response.status.code)
        let detail = "\(head.method.rawValue) \(String(head.uri.prefix(200))) answered \(status)"
        if status == 400 || status == 405 || status == 413 || status == 426 || status == 505 {
            engine.totals.protection.protocolErrors.increment()
        }
        engine.events.emit { EngineEvent(kind: .error, appID: "", code: status, detail: detail) }
    }

    private func write(
        _ response: HTTPResponse, keepAlive: Bool, head request: HTTPRequestHead, context: ChannelHandlerContext
    ) {
        var head = HTTPResponseHead(version: request.version, status: response.status, headers: response.headers)
        // A CONNECT answer never has a body (RFC 9110); a HEAD answer names the length a GET would have sent.
        let sendsBody = request.method != .HEAD && request.method != .CONNECT
        let length = request.method == .CONNECT ? 0 : response.body.readableBytes
        head.headers.replaceOrAdd(name: "Content-Length", value: String(length))
        head.headers.replaceOrAdd(name: "Cache-Control", value: "no-cache, private")
        head.headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if sendsBody { context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil) }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if keepAlive {
            arm(.idle, context: context)
        } else {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// NIO's HTTP parser treats CONNECT as the start of a tunnel and stops parsing; a fresh decoder in its place
    /// reads the next request.
    private func replaceDecoderAfterConnect(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        guard let old = try? pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self) else {
            return
        }
        let fresh = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
        do {
            try pipeline.addHandler(fresh, position: .after(old.handler))
            pipeline.removeHandler(context: old, promise: nil)
        } catch {
            context.close(promise: nil)
        }
    }
}
