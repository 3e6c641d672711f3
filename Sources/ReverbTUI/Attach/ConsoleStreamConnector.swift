import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import ReverbEngine

/// Opens one WebSocket to a server's console stream, signed afresh for each attempt, over TLS when the target
/// says so. Frames that arrive go to `onFrame`; `onClose` runs once when the socket ends.
struct ConsoleStreamConnector: Sendable {
    let target: AttachTarget
    let appID: String
    let secret: String
    /// PEM file of certificates to trust (a self-signed server); nil uses the system roots.
    let trustedCertificates: String?
    /// Skip certificate verification altogether.
    let insecure: Bool
    let group: any EventLoopGroup

    static let handshakeTimeout: TimeAmount = .seconds(5)

    func connect(
        onFrame: @escaping @Sendable (ConsoleStreamFrame) -> Void, onClose: @escaping @Sendable () -> Void
    ) async throws(AttachError) -> any Channel {
        let sslContext: NIOSSLContext?
        do {
            sslContext = try target.tls ? makeSSLContext() : nil
        } catch {
            throw .usage("cannot set up TLS: \(error)")
        }
        let target = self.target
        let uri = target.consolePath + "?" + ConsoleStreamSignature.signedQuery(appID: appID, secret: secret)
        let loop = group.next()
        let upgraded = loop.makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(Self.handshakeTimeout)
            .channelInitializer { channel in
                let upgrader = NIOWebSocketClientUpgrader(
                    maxFrameSize: 1 << 26, automaticErrorHandling: true,
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let pipeline = channel.pipeline.syncOperations
                            if let sender = try? pipeline.context(handlerType: HandshakeSender.self) {
                                pipeline.removeHandler(context: sender, promise: nil)
                            }
                            try pipeline.addHandler(ConsoleStreamReceiver(onFrame: onFrame, onClose: onClose))
                            upgraded.succeed()
                        }
                    })
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext {
                        let isAddress = target.host.contains(":") || target.host.allSatisfy { $0.isNumber || $0 == "." }
                        try pipeline.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: isAddress ? nil : target.host))
                    }
                    try pipeline.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try pipeline.addHandler(
                        HandshakeSender(host: target.host, port: target.port, uri: uri, upgraded: upgraded))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            let failure = AttachError.unreachable("cannot reach \(target.display): \(Self.describe(error))")
            upgraded.fail(failure)
            throw failure
        }
        do {
            try await upgraded.futureResult.get()
            return channel
        } catch {
            try? await channel.close()
            if let failure = error as? AttachError, case .refused = failure { throw failure }
            let reason = (error as? AttachError)?.description ?? Self.describe(error)
            // A plain ws:// handshake to a TLS port is reset by the server: say what probably happened.
            let hint = target.tls || !reason.contains("reset") ? "" : " (a server with TLS needs wss://)"
            throw .unreachable("lost \(target.display) during the handshake: \(reason)\(hint)")
        }
    }

    private func makeSSLContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trustedCertificates {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustedCertificates))
        }
        if insecure { configuration.certificateVerification = .none }
        return try NIOSSLContext(configuration: configuration)
    }

    static func describe(_ error: any Error) -> String {
        if error is NIOSSLError {
            let text = String(describing: error)
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return "the server's TLS certificate is not trusted (pass --tls-ca FILE, or --insecure)"
            }
            return "TLS handshake failed: \(text)"
        }
        if let error = error as? IOError { return error.description }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return describe(first.error)
        }
        return String(describing: error)
    }
}

/// Sends the signed upgrade request; a plain HTTP answer (401, 404) is read to its end and becomes
/// `AttachError.refused` with the server's JSON `error` message.
final class HandshakeSender: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let host: String
    let port: Int
    let uri: String
    let upgraded: EventLoopPromise<Void>
    private var response: (status: Int, body: String)?

    init(host: String, port: Int, uri: String, upgraded: EventLoopPromise<Void>) {
        self.host = host
        self.port = port
        self.uri = uri
        self.upgraded = upgraded
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        let upgraded = self.upgraded
        context.eventLoop.scheduleTask(in: ConsoleStreamConnector.handshakeTimeout) {
            upgraded.fail(AttachError.unreachable("no answer to the handshake"))
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response = (Int(head.status.code), "")
        case .body(let buffer):
            response?.body += String(buffer: buffer)
        case .end:
            guard let (status, body) = response else { return }
            upgraded.fail(AttachError.refused(status: status, message: Self.message(from: body, status: status)))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        upgraded.fail(AttachError.unreachable(ConsoleStreamConnector.describe(error)))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let upgraded = self.upgraded
        // The 101 and the first frames can arrive together with a close; let the upgrade finish first.
        context.eventLoop.scheduleTask(in: .milliseconds(200)) {
            upgraded.fail(AttachError.unreachable("the server closed the connection during the handshake"))
        }
        context.fireChannelInactive()
    }

    /// The `error` member of a JSON body, else the body, else the status.
    static func message(from body: String, status: Int) -> String {
        if let data = body.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let error = object["error"] as? String
        {
            return error
        }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "the server refused the console stream" : trimmed
    }
}

/// Decodes the stream's JSON frames on the client; answers pings; reports the end of the socket once.
final class ConsoleStreamReceiver: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let onFrame: @Sendable (ConsoleStreamFrame) -> Void
    private let onClose: @Sendable () -> Void
    private let decoder = ConsoleStreamCoding.decoder()
    private var partial: ByteBuffer?

    init(onFrame: @escaping @Sendable (ConsoleStreamFrame) -> Void, onClose: @escaping @Sendable () -> Void) {
        self.onFrame = onFrame
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .continuation:
            var buffer = frame.unmaskedData
            let whole: ByteBuffer?
            if frame.opcode == .continuation {
                guard var started = partial else { return }
                started.writeBuffer(&buffer)
                partial = frame.fin ? nil : started
                whole = frame.fin ? started : nil
            } else {
                partial = frame.fin ? nil : buffer
                whole = frame.fin ? buffer : nil
            }
            guard let whole else { return }
            let decoded = try? decoder.decode(ConsoleStreamFrame.self, from: Data(whole.readableBytesView))
            if let decoded { onFrame(decoded) }
        case .ping:
            context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)),
                promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
