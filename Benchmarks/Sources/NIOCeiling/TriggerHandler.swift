import BenchCore
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP side of the ceiling: `POST /apps/{id}/events` or `/batch_events` (signature not checked) encodes
/// each event once into one frame and writes that buffer to every socket on every loop; `GET /up` answers 200.
final class TriggerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let broadcaster: Broadcaster
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(broadcaster: Broadcaster) {
        self.broadcaster = broadcaster
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body.clear()
        case .body(var part):
            self.body.writeBuffer(&part)
        case .end:
            guard let head = self.head else { return }
            var status = HTTPResponseStatus.ok
            var reply = "{}"
            if head.method == .POST, head.uri.contains("/events") || head.uri.contains("/batch_events") {
                if !self.broadcaster.broadcast(body: self.body) { status = .unprocessableEntity }
            } else if head.uri.hasPrefix("/up") {
                reply = #"{"health":"OK"}"#
            } else {
                status = .notFound
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(reply.utf8.count))
            context.write(
                Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                promise: nil)
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply)))), promise: nil)
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
            self.head = nil
        }
    }
}

@available(*, unavailable)
extension TriggerHandler: Sendable {}

/// Writes one pre-encoded frame to every registered socket of every loop.
struct Broadcaster: Sendable {
    let registries: [NIOLoopBoundBox<SocketRegistry>]
    /// Share one frame buffer across all event loops instead of one copy per loop (for A/B measurements).
    var sharedFrame = false
    /// Write to every socket first and flush them all afterwards, as reverb-tui's `BroadcastWriter` does,
    /// instead of one `writeAndFlush` per socket (for A/B measurements).
    var twoPass = false

    /// Decodes the API body and broadcasts each event; false when the body is not an event or a batch.
    func broadcast(body: ByteBuffer) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else { return false }
        let items = (object["batch"] as? [[String: Any]]) ?? [object]
        for item in items {
            guard let name = item["name"] as? String, let data = item["data"] as? String else { return false }
            let channel = (item["channel"] as? String) ?? ((item["channels"] as? [String])?.first ?? "")
            let text = JSONValue.object([
                ("event", .string(name)), ("data", .string(data)), ("channel", .string(channel)),
            ]).rendered
            var payload = ByteBuffer()
            payload.writeString(text)
            var encoded = ByteBuffer()
            WireFrameCodec.writeServerFrame(opcode: WireFrame.text, payload: payload, into: &encoded)
            let frame = encoded
            for registry in self.registries {
                // One copy of the frame per event loop: every write retains the buffer's storage, and two cores
                // bumping one reference count would share a cache line on every socket.
                var perLoop = frame
                if !self.sharedFrame {
                    perLoop = ByteBuffer()
                    perLoop.writeImmutableBuffer(frame)
                }
                let frame = perLoop
                let twoPass = self.twoPass
                registry.eventLoop.execute {
                    if twoPass {
                        for context in registry.value.sockets.values { context.write(NIOAny(frame), promise: nil) }
                        for context in registry.value.sockets.values { context.flush() }
                    } else {
                        for context in registry.value.sockets.values {
                            context.writeAndFlush(NIOAny(frame), promise: nil)
                        }
                    }
                }
            }
        }
        return true
    }
}
