import NIOCore
import NIOEmbedded
import NIOWebSocket
import Synchronization
import Testing

@testable import ReverbEngine

/// The per-loop outbox: overlapping broadcasts leave a socket in order with one flush, an idle loop sends at once,
/// and a broadcast's latency is recorded only after its last socket was flushed.
@Suite("Loop outbox")
struct LoopOutboxTests {
    /// Counts the flushes that send something: on a real socket, each is one `writev`.
    final class FlushCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var flushes = 0
        private var written = false
        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            written = true
            context.write(data, promise: promise)
        }
        func flush(context: ChannelHandlerContext) {
            if written { flushes += 1 }
            written = false
            context.flush()
        }
    }

    struct Socket {
        let channel: EmbeddedChannel
        let writer: SocketWriter
        let counter: FlushCounter

        init(_ id: String, loop: EmbeddedEventLoop, totals: EngineTotals) throws {
            channel = EmbeddedChannel(loop: loop)
            counter = FlushCounter()
            try channel.pipeline.syncOperations.addHandler(counter)
            try channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
            let output = try channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
            writer = SocketWriter(socketID: id, output: output, totals: totals)
        }

        /// The payloads of the text frames written so far.
        func texts() throws -> [String] {
            var texts: [String] = []
            while var frame = try channel.readOutbound(as: ByteBuffer.self) {
                let header = frame.readInteger(as: UInt16.self)!
                #expect(header >> 8 == 0x81, "an unmasked text frame")
                #expect(Int(header & 0x7F) == frame.readableBytes, "a short frame")
                texts.append(frame.readString(length: frame.readableBytes)!)
            }
            return texts
        }
    }

    func text(_ string: String) -> ByteBuffer { ByteBuffer(string: string) }

    @Test("broadcasts queued together reach each socket in order with one flush per socket")
    func overlappingBroadcastsShareOneFlush() throws {
        let loop = EmbeddedEventLoop()
        let totals = EngineTotals()
        let sockets = try (0..<3).map { try Socket("s\($0)", loop: loop, totals: totals) }
        let everyone = FanoutGroup.partition(sockets.map(\.writer))
        let firstTwo = FanoutGroup.partition(sockets.prefix(2).map(\.writer))
        BroadcastWriter.write(text("one"), to: everyone)
        BroadcastWriter.write(text("two"), to: firstTwo)
        LoopOutbox.of(loop).enqueue(
            OutboundFrame.text(text("reply")), to: sockets[0].writer, isMessage: true, on: loop)
        BroadcastWriter.write(text("three"), to: everyone)
        for socket in sockets { #expect(socket.counter.flushes == 0, "nothing leaves before the loop runs") }
        loop.run()
        #expect(try sockets[0].texts() == ["one", "two", "reply", "three"])
        #expect(try sockets[1].texts() == ["one", "two", "three"])
        #expect(try sockets[2].texts() == ["one", "three"])
        for socket in sockets { #expect(socket.counter.flushes == 1) }
        #expect(sockets[0].writer.messagesSent == 4)
        #expect(totals.messagesOut.load(ordering: .relaxed) == 9)
        for socket in sockets { _ = try socket.channel.finish() }
    }

    @Test("an idle loop sends a lone broadcast in the same run, and later ones in later runs")
    func idleLoopSendsAtOnce() throws {
        let loop = EmbeddedEventLoop()
        let socket = try Socket("s", loop: loop, totals: EngineTotals())
        let group = FanoutGroup.partition([socket.writer])
        BroadcastWriter.write(text("a"), to: group)
        loop.run()
        #expect(try socket.texts() == ["a"])
        #expect(socket.counter.flushes == 1)
        BroadcastWriter.write(text("b"), to: group)
        loop.run()
        #expect(try socket.texts() == ["b"])
        #expect(socket.counter.flushes == 2)
        _ = try socket.channel.finish()
    }

    @Test("a broadcast's latency is recorded once, after the flush on its last loop")
    func completionAfterFlush() throws {
        let loops = [EmbeddedEventLoop(), EmbeddedEventLoop()]
        let totals = EngineTotals()
        let sockets = try loops.map { try Socket("s", loop: $0, totals: totals) }
        let groups = FanoutGroup.partition(sockets.map(\.writer))
        #expect(BroadcastWriter.loops(of: groups) == 2)
        let completion = BroadcastCompletion(
            latency: totals.broadcastLatency, startedAt: 0, timer: nil, acceptedAt: nil, loops: 2)
        BroadcastWriter.write(text("x"), to: groups, completion: completion)
        func recorded() -> Int { totals.broadcastLatency.snapshot.counts.reduce(0, +) }
        loops[0].run()
        #expect(recorded() == 0, "one loop still has to flush")
        #expect(sockets[1].counter.flushes == 0)
        loops[1].run()
        #expect(recorded() == 1)
        for socket in sockets { #expect(try socket.texts() == ["x"]) }
        for socket in sockets { _ = try socket.channel.finish() }
    }

    @Test("a busy loop flushes a few sockets per step, and a broadcast queued between steps rides along")
    func laterBroadcastJoinsUnflushedSockets() throws {
        let loop = EmbeddedEventLoop()
        let totals = EngineTotals()
        let count = LoopOutbox.flushesPerStep * 2 + 10
        let sockets = try (0..<count).map { try Socket("s\($0)", loop: loop, totals: totals) }
        let group = FanoutGroup.partition(sockets.map(\.writer))
        let completion = BroadcastCompletion(
            latency: totals.broadcastLatency, startedAt: 0, timer: nil, acceptedAt: nil, loops: 1)
        func recorded() -> Int { totals.broadcastLatency.snapshot.counts.reduce(0, +) }
        // Broadcasts arriving back to back: the second drain finds the loop busy.
        LoopOutbox.of(loop).busyWindow = .hours(1)
        BroadcastWriter.write(text("zero"), to: group)
        loop.run()
        #expect(sockets.allSatisfy { $0.counter.flushes == 1 }, "the first drain after idle flushes everyone at once")
        for socket in sockets { #expect(try socket.texts() == ["zero"]) }
        for socket in sockets { socket.counter.flushes = 0 }
        BroadcastWriter.write(text("one"), to: group, completion: completion)
        loop.run()
        let step = LoopOutbox.flushesPerStep
        #expect(
            sockets.map(\.counter.flushes) == Array(repeating: 1, count: step)
                + Array(repeating: 0, count: count - step))
        #expect(recorded() == 0, "sockets are still waiting for their flush")
        // A publish read while the loop looks at its sockets between two steps.
        BroadcastWriter.write(text("two"), to: group)
        loop.advanceTime(by: .milliseconds(1))
        loop.run()
        loop.advanceTime(by: .milliseconds(1))
        loop.run()
        loop.advanceTime(by: .milliseconds(1))
        loop.run()
        #expect(recorded() == 1)
        for (index, socket) in sockets.enumerated() {
            #expect(try socket.texts() == ["one", "two"])
            #expect(socket.counter.flushes == (index < step ? 2 : 1), "socket \(index)")
        }
        for socket in sockets { _ = try socket.channel.finish() }
    }
}
