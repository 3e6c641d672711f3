import Crypto
import Foundation
import NIOCore
import Synchronization

/// One connection of `nio-ceiling --floor`: the least work that answers `ops-cost`'s requests as a Pusher server
/// must, so that its CPU per operation is the floor under reverb-tui's (docs/benchmarks.md, "the floor per operation").
///
/// It is the only handler in the pipeline and reads the bytes itself: no HTTP parser, no JSON parser, no
/// signature check, no metrics. A plain request gets a fixed `200 {}` (kept alive or closed as asked) after the
/// event is delivered to every socket subscribed to each `"channel"` named in the body; a WebSocket handshake gets
/// the 101 and `connection_established` in one write; a client frame that names a `"channel"` subscribes the socket
/// and gets `subscription_succeeded`, and on a `presence-` channel the other members get `member_added` (and
/// `member_removed` when the socket closes). Frames are fixed bytes except for the channel name.
final class FloorConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let channels: FloorChannels
    private var buffer = ByteBuffer()
    private var webSocket = false
    /// The channel this socket subscribed to (one is all `ops-cost` uses).
    private var subscribed: String?

    init(channels: FloorChannels) {
        self.channels = channels
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = Self.unwrapInboundIn(data)
        buffer.writeBuffer(&bytes)
        while true {
            let progressed = webSocket ? readFrame(context: context) : readRequest(context: context)
            if !progressed { break }
        }
        buffer.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let channel = subscribed {
            subscribed = nil
            let others = channels.remove(ObjectIdentifier(self), from: channel)
            if channel.hasPrefix("presence-") {
                FloorChannels.deliver(Self.frame(event: "pusher_internal:member_removed", channel: channel), to: others)
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: HTTP

    /// Handles one complete request if the buffer holds one; false when more bytes are needed.
    private func readRequest(context: ChannelHandlerContext) -> Bool {
        let view = buffer.readableBytesView
        guard let headLength = Self.find(Array("\r\n\r\n".utf8), in: view) else { return false }
        let head = Array(view.prefix(headLength))[...]
        if let key = Self.header("sec-websocket-key", in: head) {
            buffer.moveReaderIndex(forwardBy: headLength + 4)
            webSocket = true
            let digest = Insecure.SHA1.hash(data: Array(key) + Self.webSocketGUID)
            var out = context.channel.allocator.buffer(capacity: 256)
            out.writeStaticString(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
            )
            out.writeString(Data(digest).base64EncodedString())
            out.writeStaticString("\r\n\r\n")
            out.writeImmutableBuffer(Self.established)
            context.writeAndFlush(Self.wrapOutboundOut(out), promise: nil)
            return true
        }
        let length = Self.header("content-length", in: head).flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        guard view.count - (headLength + 4) >= length else { return false }
        var rest = Array(view.dropFirst(headLength + 4).prefix(length))[...]
        while let name = Self.channelName(in: &rest) {
            FloorChannels.deliver(Self.frame(event: "tick", channel: name), to: channels.members(of: name))
        }
        let close = Self.header("connection", in: head).map { $0.count == 5 && $0.first == UInt8(ascii: "c") } ?? false
        buffer.moveReaderIndex(forwardBy: headLength + 4 + length)
        if close {
            let channel = context.channel
            context.writeAndFlush(Self.wrapOutboundOut(Self.okClose)).whenComplete { _ in channel.close(promise: nil) }
            return false
        }
        context.writeAndFlush(Self.wrapOutboundOut(Self.okKeepAlive), promise: nil)
        return true
    }

    // MARK: WebSocket

    /// Handles one complete client frame if the buffer holds one; false when more bytes are needed.
    private func readFrame(context: ChannelHandlerContext) -> Bool {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= 2, let first = buffer.getInteger(at: start, as: UInt8.self),
            let second = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return false }
        var length = Int(second & 0x7F)
        var offset = 2
        if length == 126 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt16.self) else { return false }
            length = Int(extended)
            offset = 4
        } else if length == 127 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt64.self) else { return false }
            length = Int(extended)
            offset = 10
        }
        let masked = second & 0x80 != 0
        guard buffer.readableBytes >= offset + (masked ? 4 : 0) + length else { return false }
        var payload = [UInt8](repeating: 0, count: length)
        let mask = masked ? buffer.getBytes(at: start + offset, length: 4) ?? [0, 0, 0, 0] : [0, 0, 0, 0]
        let payloadStart = start + offset + (masked ? 4 : 0)
        buffer.withUnsafeReadableBytes { raw in
            let base = payloadStart - start
            for index in 0..<length { payload[index] = raw[base + index] ^ mask[index & 3] }
        }
        buffer.moveReaderIndex(to: payloadStart + length)
        if first & 0x0F == 0x8 {
            context.close(promise: nil)
            return false
        }
        var rest = payload[...]
        if subscribed == nil, let channel = Self.channelName(in: &rest) {
            subscribed = channel
            let others = channels.add(FloorChannels.Member(context: context), as: ObjectIdentifier(self), to: channel)
            if channel.hasPrefix("presence-") {
                FloorChannels.deliver(Self.frame(event: "pusher_internal:member_added", channel: channel), to: others)
            }
            context.writeAndFlush(
                Self.wrapOutboundOut(Self.frame(event: "pusher_internal:subscription_succeeded", channel: channel)),
                promise: nil)
        }
        return true
    }

    // MARK: Bytes

    private static let webSocketGUID = Array("258EAFA5-E914-47DA-95CA-C5AB0DC85B11".utf8)

    /// Offset of the first `needle` in `bytes` (relative to its start).
    private static func find<Bytes: Collection<UInt8>>(_ needle: [UInt8], in bytes: Bytes) -> Int? {
        var offset = 0
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index...].starts(with: needle) { return offset }
            bytes.formIndex(after: &index)
            offset += 1
        }
        return nil
    }

    /// The value of header `name` (lowercase; header names compared without case), spaces trimmed.
    private static func header(_ name: String, in head: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let wanted = Array(name.utf8)
        var index = head.startIndex
        while let lineEnd = head[index...].firstIndex(of: UInt8(ascii: "\n")) {
            index = head.index(after: lineEnd)
            let line = head[index...].prefix { $0 != UInt8(ascii: "\r") }
            guard line.count > wanted.count,
                line[line.index(line.startIndex, offsetBy: wanted.count)] == UInt8(ascii: ":")
            else { continue }
            if zip(line, wanted).allSatisfy({ ($0 | 0x20) == $1 || $0 == $1 }) {
                return ArraySlice(line.dropFirst(wanted.count + 1).drop { $0 == UInt8(ascii: " ") })
            }
        }
        return nil
    }

    /// The next `"channel": "NAME"` in `bytes`, which then starts after it.
    private static func channelName(in bytes: inout ArraySlice<UInt8>) -> String? {
        guard let key = find(channelKey, in: bytes) else { return nil }
        var rest = bytes.dropFirst(key + channelKey.count)
        guard let open = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        rest = rest[rest.index(after: open)...]
        guard let close = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        bytes = rest[rest.index(after: close)...]
        return String(decoding: rest[..<close], as: UTF8.self)
    }

    private static let channelKey = Array("\"channel\"".utf8)

    static func frame(event: String, channel: String) -> ByteBuffer {
        CeilingSocket.frame(#"{"event":"\#(event)","channel":"\#(channel)","data":"{}"}"#)
    }

    static let established = CeilingSocket.established
    static let okKeepAlive = ByteBuffer(
        string:
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}"
    )
    static let okClose = ByteBuffer(
        string: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
}

@available(*, unavailable)
extension FloorConnection: Sendable {}

/// The floor server's channels: subscribers by channel name, under one lock.
final class FloorChannels: Sendable {
    /// A subscribed socket, written on its own event loop.
    struct Member: Sendable {
        let loop: any EventLoop
        let context: NIOLoopBound<ChannelHandlerContext>

        init(context: ChannelHandlerContext) {
            self.loop = context.eventLoop
            self.context = NIOLoopBound(context, eventLoop: context.eventLoop)
        }
    }

    private let state = Mutex([String: [ObjectIdentifier: Member]]())

    /// Adds `member`; returns the channel's other members.
    func add(_ member: Member, as id: ObjectIdentifier, to channel: String) -> [Member] {
        state.withLock { channels in
            let others = Array(channels[channel, default: [:]].values)
            channels[channel, default: [:]][id] = member
            return others
        }
    }

    /// Removes a member; returns the others.
    func remove(_ id: ObjectIdentifier, from channel: String) -> [Member] {
        state.withLock { channels in
            channels[channel]?[id] = nil
            return Array(channels[channel, default: [:]].values)
        }
    }

    func members(of channel: String) -> [Member] {
        state.withLock { Array($0[channel, default: [:]].values) }
    }

    /// Writes `frame` to every member: one task per event loop, one write and flush per socket.
    static func deliver(_ frame: ByteBuffer, to members: [Member]) {
        var byLoop: [ObjectIdentifier: [Member]] = [:]
        for member in members { byLoop[ObjectIdentifier(member.loop), default: []].append(member) }
        for group in byLoop.values {
            let write: @Sendable () -> Void = {
                for member in group { member.context.value.writeAndFlush(NIOAny(frame), promise: nil) }
            }
            if group[0].loop.inEventLoop {
                write()
            } else {
                group[0].loop.execute(write)
            }
        }
    }
}
