import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import ReverbEngine

/// The connection handler on an embedded channel: a client's bytes in, bytes out, no sockets and no threads. The
/// handler reads frames itself and writes whole encoded frames from its own context, so what leaves the pipeline is
/// the encoded frame.
@Suite("WebSocket channel handler")
struct WebSocketChannelHandlerTests {
    let app = Application(id: "1", key: "key", secret: "secret")

    /// A channel with the pipeline the listener builds after an upgrade: the handler alone.
    func open(app: Application? = nil) throws -> (EmbeddedChannel, Engine) {
        let engine = try Engine(configuration: ServerConfiguration(apps: [self.app]))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            WebSocketChannelHandler(engine: engine, app: app ?? self.app, origin: nil))
        channel.pipeline.fireChannelActive()
        return (channel, engine)
    }

    /// The next server frame: opcode and payload, decoded from the bytes the handler wrote.
    func nextFrame(_ channel: EmbeddedChannel) throws -> (opcode: UInt8, payload: ByteBuffer)? {
        guard var bytes = try channel.readOutbound(as: ByteBuffer.self) else { return nil }
        let header = bytes.readBytes(length: 2) ?? [0, 0]
        var length = Int(header[1] & 0x7F)
        if length == 126 { length = Int(bytes.readInteger(as: UInt16.self) ?? 0) }
        if length == 127 { length = Int(bytes.readInteger(as: UInt64.self) ?? 0) }
        let payload = bytes.readSlice(length: length)
        return (header[0] & 0x0F, try #require(payload))
    }

    func nextText(_ channel: EmbeddedChannel) throws -> String? {
        try nextFrame(channel).map { String(buffer: $0.payload) }
    }

    /// A client frame's bytes: clients must mask what they send.
    func clientFrame(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> ByteBuffer {
        ClientFrameBytes(opcode: UInt8(webSocketOpcode: opcode), payload: Array(data.readableBytesView)).buffer
    }

    func send(_ text: String, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(clientFrame(.text, ByteBuffer(string: text)))
    }

    @Test("on open: connection_established with a socket id, and the socket is registered")
    func established() throws {
        let (channel, engine) = try open()
        let text = try #require(try nextText(channel))
        #expect(text.hasPrefix(#"{"event":"pusher:connection_established","data":"{\"socket_id\":\""#))
        #expect(engine.registry(for: app).withState { $0.connectionCount } == 1)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("pusher:ping is answered with pusher:pong, and the message counters move")
    func pingPong() throws {
        let (channel, engine) = try open()
        _ = try nextText(channel)
        try send(#"{"event":"pusher:ping","data":{}}"#, to: channel)
        #expect(try nextText(channel) == #"{"event":"pusher:pong"}"#)
        #expect(engine.totals.counters.messagesIn == 1)
        #expect(engine.totals.counters.messagesOut == 2, "connection_established and the pong")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("malformed JSON gets pusher:error 4200 and the socket stays open")
    func malformed() throws {
        let (channel, _) = try open()
        _ = try nextText(channel)
        try send("not json", to: channel)
        #expect(
            try nextText(channel)
                == #"{"event":"pusher:error","data":"{\"code\":4200,\"message\":\"Invalid message format\"}"}"#)
        #expect(try nextFrame(channel) == nil, "no close frame follows")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("an unknown app key gets 4001 and a close frame with the same code")
    func unknownKey() throws {
        let engine = try Engine(configuration: ServerConfiguration(apps: [app]))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(WebSocketChannelHandler(engine: engine, app: nil, origin: nil))
        channel.pipeline.fireChannelActive()
        #expect(try nextText(channel)?.contains(#"\"code\":4001"#) == true)
        let close = try #require(try nextFrame(channel))
        #expect(close.opcode == 0x8)
        #expect(close.payload.getInteger(at: close.payload.readerIndex, as: UInt16.self) == 4001)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a close frame with a code no endpoint may send is answered with 1002, never echoed")
    func invalidCloseCode() throws {
        let (channel, _) = try open()
        _ = try nextText(channel)
        var payload = ByteBuffer()
        payload.writeInteger(UInt16(1005))
        try channel.writeInbound(clientFrame(.connectionClose, payload))
        let close = try #require(try nextFrame(channel))
        #expect(close.opcode == 0x8)
        #expect(close.payload.getInteger(at: close.payload.readerIndex, as: UInt16.self) == 1002)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("closing the channel forgets the socket")
    func closeForgets() throws {
        let (channel, engine) = try open()
        _ = try nextText(channel)
        try send(#"{"event":"pusher:subscribe","data":{"channel":"news"}}"#, to: channel)
        #expect(try nextText(channel)?.contains("subscription_succeeded") == true)
        #expect(engine.registry(for: app).withState { $0.channel(named: "news") } != nil)
        _ = try channel.finish(acceptAlreadyClosed: true)
        #expect(engine.registry(for: app).withState { $0.connectionCount } == 0)
        #expect(engine.registry(for: app).withState { $0.channel(named: "news") } == nil)
    }

    @Test("a frame split at every byte boundary is answered once it is whole; several frames in one read in order")
    func splitAndJoinedReads() throws {
        let (channel, _) = try open()
        _ = try nextText(channel)
        let ping = Array(
            clientFrame(.text, ByteBuffer(string: #"{"event":"pusher:ping","data":{}}"#)).readableBytesView)
        for split in 1..<ping.count {
            try channel.writeInbound(ByteBuffer(bytes: ping[..<split]))
            #expect(try nextFrame(channel) == nil)
            try channel.writeInbound(ByteBuffer(bytes: ping[split...]))
            #expect(try nextText(channel) == #"{"event":"pusher:pong"}"#)
        }
        let subscribe = clientFrame(.text, ByteBuffer(string: #"{"event":"pusher:subscribe","data":{"channel":"a"}}"#))
        let controlPing = clientFrame(.ping, ByteBuffer(string: "hi"))
        var joined = subscribe
        joined.writeImmutableBuffer(controlPing)
        joined.writeBytes(ping)
        joined.writeBytes(ping[..<3])
        try channel.writeInbound(joined)
        #expect(try nextText(channel)?.contains("subscription_succeeded") == true)
        let pong = try #require(try nextFrame(channel))
        #expect(pong.opcode == 0xA && String(buffer: pong.payload) == "hi")
        #expect(try nextText(channel) == #"{"event":"pusher:pong"}"#)
        #expect(try nextFrame(channel) == nil)
        try channel.writeInbound(ByteBuffer(bytes: ping[3...]))
        #expect(try nextText(channel) == #"{"event":"pusher:pong"}"#)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a frame over the size limit is answered with 1009 as soon as its header arrives; later bytes close")
    func oversizedFrame() throws {
        let engine = try Engine(configuration: ServerConfiguration(apps: [app]))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(WebSocketChannelHandler(engine: engine, app: app, origin: nil))
        // Connected, so that `isActive` tells when the handler closes the channel.
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        _ = try nextText(channel)
        var header = ClientFrameBytes(opcode: 0x1, payload: [])
        header.declaredLength = 1 << 20
        let bytes = header.bytes
        // The header without its mask: the length alone breaks the limit.
        try channel.writeInbound(ByteBuffer(bytes: bytes[..<10]))
        let close = try #require(try nextFrame(channel))
        #expect(close.opcode == 0x8)
        #expect(close.payload.getInteger(at: close.payload.readerIndex, as: UInt16.self) == 1009)
        #expect(channel.isActive, "waiting for the client's close frame")
        try channel.writeInbound(ClientFrameBytes(opcode: 0x8, payload: [0x03, 0xF1]).buffer)
        #expect(!channel.isActive)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
