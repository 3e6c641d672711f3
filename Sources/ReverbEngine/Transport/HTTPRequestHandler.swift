import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Serves the plain HTTP side of the port: collects each request (at most `max_request_size` bytes),
/// answers it through `APIRouter`, keeps the connection alive when the client asks to.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: APIRouter
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

    init(router: APIRouter, maxRequestSize: Int) {
        self.router = router
        self.maxRequestSize = maxRequestSize
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
            let request = HTTPRequest(head: head, body: body ?? ByteBuffer())
            body = nil
            let response = upgradeFailure.map { Self.upgradeRefusal($0, head: head) } ?? router.respond(to: request)
            upgradeFailure = nil
            let (keepAlive, version) = (head.isKeepAlive, head.version)
            guard response.deferred != nil || pending != nil else {
                router.account(method: head.method, uri: head.uri, status: response.status)
                return write(response, keepAlive: keepAlive, version: version, context: context)
            }
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            let answer = response.deferred?.hop(to: loop) ?? loop.makeSucceededFuture(response)
            let previous = pending ?? loop.makeSucceededVoidFuture()
            let done = previous.flatMap { _ in answer }.map { response in
                let (handler, context) = bound.value
                handler.router.account(method: head.method, uri: head.uri, status: response.status)
                handler.write(response, keepAlive: keepAlive, version: version, context: context)
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
        context.close(promise: nil)
    }

    @discardableResult
    private func checkSize(context: ChannelHandlerContext) -> Bool {
        guard size > maxRequestSize, let head else { return true }
        rejected = true
        router.account(method: head.method, uri: head.uri, status: .payloadTooLarge)
        write(.text(.payloadTooLarge, "Payload too large."), keepAlive: false, version: head.version, context: context)
        return false
    }

    /// Bytes of a request line and headers, as they count against `max_request_size`.
    static func size(of head: HTTPRequestHead) -> Int {
        head.uri.utf8.count + head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }

    /// A clear answer to a WebSocket handshake NIO refused (wrong version, missing key).
    static func upgradeRefusal(_ error: any Error, head: HTTPRequestHead) -> HTTPResponse {
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

    private func write(_ response: HTTPResponse, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext)
    {
        var head = HTTPResponseHead(version: version, status: response.status, headers: response.headers)
        head.headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
        head.headers.replaceOrAdd(name: "Cache-Control", value: "no-cache, private")
        head.headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
