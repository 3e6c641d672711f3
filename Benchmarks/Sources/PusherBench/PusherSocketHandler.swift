import BenchCore
import NIOCore
import Synchronization

/// The scenario's view of one socket: its channel and socket id, once known.
final class SocketHandle: Sendable {
    let index: Int
    let channel = Mutex<(any Channel)?>(nil)
    let socketID = Mutex<String?>(nil)

    init(index: Int) { self.index = index }

    /// Sends one text message as a masked client frame; fire-and-forget.
    func send(text: String) {
        guard let channel = self.channel.withLock({ $0 }) else { return }
        var buffer = channel.allocator.buffer(capacity: text.utf8.count + 14)
        WireFrameCodec.writeClientFrame(
            opcode: WireFrame.text,
            payload: text.utf8,
            maskKey: UInt32.random(in: 0...UInt32.max),
            into: &buffer
        )
        channel.writeAndFlush(buffer, promise: nil)
    }

    func close() {
        self.channel.withLock { $0 }?.close(promise: nil)
    }
}

/// One Pusher client socket: WebSocket upgrade, frame parsing, the Pusher handshake and the role's reaction
/// to messages. Plain handler state and shared atomics, no task per socket, so a process holds tens of thousands.
final class PusherSocketHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let plan: SocketPlan
    private let sink: SocketSink
    private let handle: SocketHandle
    private var upgraded = false
    private var isReady = false
    private var isSettled = false
    private var cumulation: ByteBuffer?
    private var fragments: ByteBuffer?
    private var lastSequence: UInt64 = 0
    private var hasSequence = false
    private var maskState: UInt32

    init(plan: SocketPlan, sink: SocketSink, handle: SocketHandle) {
        self.plan = plan
        self.sink = sink
        self.handle = handle
        self.maskState = UInt32(truncatingIfNeeded: plan.index &* 2_654_435_761) | 1
    }

    func channelActive(context: ChannelHandlerContext) {
        let request = self.plan.target.upgradeRequest
        var buffer = context.channel.allocator.buffer(capacity: request.utf8.count)
        buffer.writeString(request)
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !self.isSettled {
            self.settle(failed: true)
        } else if self.isReady && !self.sink.closing.load(ordering: .relaxed) {
            self.sink.droppedAfterReady.add(1, ordering: .relaxed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = Self.unwrapInboundIn(data)
        if self.cumulation == nil {
            self.cumulation = incoming
        } else {
            self.cumulation!.writeBuffer(&incoming)
        }
        if !self.upgraded {
            guard let view = self.cumulation?.readableBytesView,
                let end = view.firstRange(of: [13, 10, 13, 10] as [UInt8])
            else { return }
            let head = String(decoding: view[view.startIndex..<end.lowerBound], as: UTF8.self)
            guard head.hasPrefix("HTTP/1.1 101") else {
                self.settle(failed: true)
                context.close(promise: nil)
                return
            }
            self.upgraded = true
            self.cumulation!.moveReaderIndex(to: end.upperBound)
        }
        do {
            while var buffer = self.cumulation, let frame = try WireFrameCodec.parse(&buffer) {
                self.cumulation = buffer
                self.received(frame: frame, context: context)
            }
        } catch {
            context.close(promise: nil)
            return
        }
        if self.cumulation?.readableBytes == 0 {
            self.cumulation = nil
        } else if let buffer = self.cumulation, buffer.readerIndex > 65_536 {
            self.cumulation!.discardReadBytes()
        }
    }

    private func received(frame: WireFrame, context: ChannelHandlerContext) {
        switch frame.opcode {
        case WireFrame.text, WireFrame.binary, WireFrame.continuation:
            var payload = frame.payload
            if !frame.fin || frame.opcode == WireFrame.continuation {
                if self.fragments == nil { self.fragments = payload } else { self.fragments!.writeBuffer(&payload) }
                guard frame.fin, let whole = self.fragments else { return }
                self.fragments = nil
                self.received(message: whole, context: context)
            } else {
                self.received(message: payload, context: context)
            }
        case WireFrame.ping:
            self.write(opcode: WireFrame.pong, payload: Array(frame.payload.readableBytesView), context: context)
        case WireFrame.close:
            context.close(promise: nil)
        default:
            break
        }
    }

    private func received(message: ByteBuffer, context: ChannelHandlerContext) {
        // Measured messages first: they are nearly all the traffic.
        if let sent = PayloadProbe.integer(after: "_t", in: message) {
            self.receivedMeasured(message: message, sentMicros: sent, context: context)
            return
        }
        guard let event = PayloadProbe.token(after: "event", in: message) else { return }
        switch event {
        case "pusher:connection_established":
            let socketID = PayloadProbe.token(after: "socket_id", in: message) ?? ""
            self.handle.socketID.withLock { $0 = socketID }
            if let channel = self.plan.channel {
                let text = self.plan.target.subscribeMessage(
                    channel: channel,
                    socketID: socketID,
                    channelData: self.plan.channelData
                )
                self.write(opcode: WireFrame.text, payload: Array(text.utf8), context: context)
            } else {
                self.settle(failed: false)
            }
        case "pusher_internal:subscription_succeeded":
            self.sink.subscriptions.add(1, ordering: .relaxed)
            if !self.isSettled { self.settle(failed: false) }
        case "pusher:error":
            self.sink.noteError(String(buffer: message))
            if !self.isSettled { self.settle(failed: true) }
        case "pusher:ping":
            self.write(
                opcode: WireFrame.text, payload: Array(#"{"event":"pusher:pong","data":{}}"#.utf8), context: context)
        case "pusher_internal:member_added", "pusher_internal:member_removed":
            guard case .presenceObserver = self.plan.role,
                let user = PayloadProbe.token(after: "user_id", in: message)
            else { return }
            let added = event == "pusher_internal:member_added"
            self.sink.members.withLock { members in
                var record = members[user] ?? MemberRecord()
                if added {
                    record.added += 1
                } else {
                    if record.added <= record.removed { record.outOfOrder += 1 }
                    record.removed += 1
                }
                members[user] = record
            }
        default:
            break
        }
    }

    private func receivedMeasured(message: ByteBuffer, sentMicros: UInt64, context: ChannelHandlerContext) {
        let now = MonotonicClock.nowMicros()
        switch self.plan.role {
        case .subscriber:
            let sequence = PayloadProbe.integer(after: "_s", in: message) ?? 0
            if self.hasSequence && sequence <= self.lastSequence {
                self.sink.duplicates.add(1, ordering: .relaxed)
            }
            self.hasSequence = true
            self.lastSequence = sequence
            self.sink.received.add(1, ordering: .relaxed)
            self.sink.lastReceiveMicros.store(now, ordering: .relaxed)
            self.sink.recordLatency(now &- sentMicros, shard: self.plan.index)
        case .echo:
            guard PayloadProbe.contains("client-ping", in: message), let channel = self.plan.channel else { return }
            let sequence = PayloadProbe.integer(after: "_s", in: message) ?? 0
            let text = Self.clientEvent(name: "client-pong", channel: channel, sent: sentMicros, sequence: sequence)
            self.write(opcode: WireFrame.text, payload: Array(text.utf8), context: context)
        case .roundTripOrigin:
            guard PayloadProbe.contains("client-pong", in: message) else { return }
            self.sink.received.add(1, ordering: .relaxed)
            self.sink.lastReceiveMicros.store(now, ordering: .relaxed)
            self.sink.recordLatency(now &- sentMicros, shard: 0)
            self.sendNextPing(context: context)
        case .presenceObserver, .idle:
            break
        }
    }

    /// Sends the next round-trip ping if the budget allows; the scenario sends the first one.
    private func sendNextPing(context: ChannelHandlerContext) {
        guard let channel = self.plan.channel, self.sink.roundTripsLeft.load(ordering: .relaxed) > 0 else { return }
        self.sink.roundTripsLeft.subtract(1, ordering: .relaxed)
        let sequence = self.sink.roundTripsSent.add(1, ordering: .relaxed).newValue
        let text = Self.clientEvent(
            name: "client-ping",
            channel: channel,
            sent: MonotonicClock.nowMicros(),
            sequence: UInt64(sequence)
        )
        self.write(opcode: WireFrame.text, payload: Array(text.utf8), context: context)
    }

    static func clientEvent(name: String, channel: String, sent: UInt64, sequence: UInt64) -> String {
        #"{"event":""# + name + #"","channel":""# + channel + #"","data":{"_t":\#(sent),"_s":\#(sequence)}}"#
    }

    private func settle(failed: Bool) {
        guard !self.isSettled else { return }
        self.isSettled = true
        if failed {
            self.sink.connectFailures.add(1, ordering: .relaxed)
        } else {
            self.isReady = true
            self.sink.ready.add(1, ordering: .relaxed)
        }
        self.sink.settled.add(1, ordering: .relaxed)
    }

    private func write(opcode: UInt8, payload: [UInt8], context: ChannelHandlerContext) {
        // xorshift: masks need not be secret here, only present (RFC 6455 §5.3).
        self.maskState ^= self.maskState << 13
        self.maskState ^= self.maskState >> 17
        self.maskState ^= self.maskState << 5
        var buffer = context.channel.allocator.buffer(capacity: payload.count + 14)
        WireFrameCodec.writeClientFrame(opcode: opcode, payload: payload, maskKey: self.maskState, into: &buffer)
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
    }
}

@available(*, unavailable)
extension PusherSocketHandler: Sendable {}
