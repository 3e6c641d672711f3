import Foundation
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
        context.fireChannelRead(data)
        if !handshakeDone {
            handshakeDone = true
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
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

    /// A readable reason: a hint and BoringSSL's reason codes (`TLSV1_ALERT_UNKNOWN_CA`), without source paths.
    static func reason(_ error: any Error) -> String {
        if case NIOSSLError.uncleanShutdown = error { return "the client closed the connection during the handshake" }
        let text = String(describing: error)
        let codes = text.components(separatedBy: "OPENSSL_internal:").dropFirst().map { part in
            String(part.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        }
        let summary = codes.isEmpty ? text : codes.joined(separator: ", ")
        func has(_ code: String) -> Bool { codes.contains { $0.contains(code) } }
        if has("WRONG_VERSION_NUMBER") || has("HTTP_REQUEST") || has("HTTPS_PROXY_REQUEST") {
            return "not a TLS client: plain HTTP or ws:// sent to the TLS port (\(summary))"
        }
        if has("UNKNOWN_CA") || has("CERTIFICATE_UNKNOWN") || has("BAD_CERTIFICATE") || has("CERTIFICATE_EXPIRED") {
            return "the client does not trust this certificate (\(summary))"
        }
        if has("DECRYPTION_FAILED_OR_BAD_RECORD_MAC") {
            // TLS 1.3 clients send their alert under keys the server cannot read at that point: the usual cause
            // is a client that rejected the certificate.
            return "the client aborted the handshake; with TLS 1.3 this usually means it does not trust this "
                + "certificate (\(summary))"
        }
        if has("NO_SHARED_CIPHER") || has("UNSUPPORTED_PROTOCOL") || has("PROTOCOL_VERSION") {
            return "no TLS version or cipher in common with the client (\(summary))"
        }
        return summary
    }
}
