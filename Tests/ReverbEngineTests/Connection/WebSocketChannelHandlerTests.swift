import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import ReverbEngine

/// The connection handler on an embedded channel: frames in, bytes out, no sockets and no threads. The handler
/// writes below the WebSocket encoder, so what leaves the pipeline is the encoded frame.
@Suite("WebSocket channel handler")
struct WebSocketChannelHandlerTests {
    let app = Application(id: "1", key: "key", secret: "secret")

    /// A channel with the pipeline the listener builds after an upgrade: encoder, then the handler.
    func open(app: Application? = nil) throws -> (EmbeddedChannel, Engine) {
        let engine = try Engine(configuration: ServerConfiguration(apps: [self.app]))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
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

    /// A client frame: clients must mask what they send.
    func clientFrame(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> WebSocketFrame {
        let key = WebSocketMaskingKey([1, 2, 3, 4])!
        var masked = data
        masked.webSocketMask(key)
        return WebSocketFrame(fin: true, opcode: opcode, maskKey: key, data: masked)
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
        try channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
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
}
