import NIOCore
import NIOSSL

/// Sits behind the TLS handler and reports a handshake that fails (a client that does not trust the
/// certificate, plain HTTP sent to the TLS port, an unsupported protocol version) as an engine error event, a
/// log line and a metric, with the reason TLS gave. Reverb shows these only in its debug log (issue #338).
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let engine: Engine
    private var handshakeDone = false

    init(engine: Engine) {
        self.engine = engine
    }

    /// Decrypted bytes only flow once the handshake is done: from then on there is nothing to watch, and the
    /// handler leaves the data path to the handlers that use it.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !handshakeDone {
            handshakeDone = true
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !handshakeDone {
            handshakeDone = true
            let peer = context.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown peer"
            let reason = Self.reason(error)
            engine.metrics.handshakeFailed()
            ProductionLog.handshakeFailed(peer: peer, reason: reason, logger: engine.logger)
            engine.events.emit {
                EngineEvent(kind: .error, appID: "", event: Self.eventName, detail: "from \(peer): \(reason)")
            }
        }
        context.fireErrorCaught(error)
    }

    /// The `event` of the engine events this handler emits, so observers can tell them from API errors.
    static let eventName = "TLS handshake"

    /// A readable reason: BoringSSL's reason code (`WRONG_VERSION_NUMBER`, `TLSV1_ALERT_UNKNOWN_CA`) with a hint.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") {
            return "not a TLS client (plain HTTP or ws:// sent to the TLS port?) [\(text)]"
        }
        if text.contains("UNKNOWN_CA") || text.contains("CERTIFICATE_UNKNOWN") || text.contains("BAD_CERTIFICATE") {
            return "the client does not trust this certificate [\(text)]"
        }
        if case NIOSSLError.uncleanShutdown = error { return "the client closed the connection during the handshake" }
        return text
    }
}
