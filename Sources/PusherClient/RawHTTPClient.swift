import NIOCore
import NIOPosix
import NIOSSL

/// One HTTP response read off the wire.
public struct RawHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: String

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Sends bytes exactly as given over one TCP connection and parses the HTTP responses that come back,
/// for tests of keep-alive, pipelining and malformed requests.
public final class RawHTTPClient: Sendable {
    private let channel: any Channel
    private let buffer: ByteStream

    /// Connects over TCP, or over TLS without verifying the certificate when `tls` is true (tests use
    /// self-signed certificates).
    public static func connect(
        host: String = "127.0.0.1", port: Int, tls: Bool = false,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RawHTTPClient {
        let stream = ByteStream()
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let sslContext = tls ? try NIOSSLContext(configuration: configuration) : nil
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteCollector(stream: stream))
                }
            }
            .connect(host: host, port: port).get()
        return RawHTTPClient(channel: channel, buffer: stream)
    }

    private init(channel: any Channel, buffer: ByteStream) {
        self.channel = channel
        self.buffer = buffer
    }

    public func send(_ text: String) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(string: text))
    }

    /// Reads one response (headers and a `Content-Length` body, or up to the close); nil on timeout.
    public func readResponse(timeout: Duration = .seconds(5)) async -> RawHTTPResponse? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let response = buffer.takeResponse() { return response }
            if buffer.isClosed { return buffer.takeResponse(atClose: true) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// True once the server closed the connection.
    public var isClosed: Bool { buffer.isClosed }

    public func close() async { try? await channel.close() }
}

import Synchronization

final class ByteStream: Sendable {
    private let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))

    func append(_ bytes: some Sequence<UInt8>) { state.withLock { $0.bytes.append(contentsOf: bytes) } }
    func markClosed() { state.withLock { $0.closed = true } }
    var isClosed: Bool { state.withLock { $0.closed } }

    func takeResponse(atClose: Bool = false) -> RawHTTPResponse? {
        state.withLock { state in
            let bytes = state.bytes
            guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
            let headText = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
            var lines = headText.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
            let headers = lines.compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let bodyStart = end.upperBound
            let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) }
            let bodyEnd: Int
            if let length {
                guard bytes.count >= bodyStart + length else { return nil }
                bodyEnd = bodyStart + length
            } else {
                guard atClose else { return nil }
                bodyEnd = bytes.count
            }
            state.bytes.removeFirst(bodyEnd)
            return RawHTTPResponse(
                status: status, headers: headers, body: String(decoding: bytes[bodyStart..<bodyEnd], as: UTF8.self))
        }
    }
}

private final class ByteCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let stream: ByteStream
    init(stream: ByteStream) { self.stream = stream }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        stream.append(unwrapInboundIn(data).readableBytesView)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream.markClosed()
        context.fireChannelInactive()
    }
}

import Foundation
