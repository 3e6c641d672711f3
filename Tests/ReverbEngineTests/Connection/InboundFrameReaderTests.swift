import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import ReverbEngine

/// The handler's own frame reading against NIO's `ByteToMessageHandler(WebSocketFrameDecoder)`, which it replaces:
/// the same bytes, cut into reads in every way that matters, must give the same frames and the same errors at the
/// same points.
@Suite("Inbound frame reader")
struct InboundFrameReaderTests {
    /// What a reader reports: a frame as it came off the wire, or an error.
    enum Event: Equatable, CustomStringConvertible {
        case frame(firstByte: UInt8, mask: [UInt8]?, data: [UInt8])
        case error(String)
        case errorAfterError(String, bytes: [UInt8])

        init(_ error: any Error) {
            if case ByteToMessageDecoderError.dataReceivedInErrorState(let first, let bytes) = error {
                self = .errorAfterError("\(first)", bytes: Array(bytes.readableBytesView))
            } else {
                self = .error("\(error)")
            }
        }

        var description: String {
            switch self {
            case .frame(let first, let mask, let data): "frame(\(first), mask: \(mask ?? []), \(data.count) bytes)"
            case .error(let error): "error(\(error))"
            case .errorAfterError(let error, let bytes): "errorAfterError(\(error), \(bytes.count) bytes)"
            }
        }
    }

    /// Records what NIO's decoder passes on.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = WebSocketFrame
        var events: [Event] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            let first =
                (frame.fin ? 0x80 : 0) | frame.reservedBits.rawValue | UInt8(webSocketOpcode: frame.opcode)
            events.append(
                .frame(firstByte: first, mask: frame.maskKey.map(Array.init), data: Array(frame.data.readableBytesView))
            )
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            events.append(Event(error))
        }
    }

    static let maxFrameSize = 1_000

    func viaNIO(_ reads: [[UInt8]], maxFrameSize: Int = maxFrameSize) throws -> [Event] {
        let recorder = Recorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize)))
        try channel.pipeline.syncOperations.addHandler(recorder)
        for read in reads {
            try channel.writeInbound(ByteBuffer(bytes: read))
        }
        _ = try channel.finish(acceptAlreadyClosed: true)
        return recorder.events
    }

    func viaReader(_ reads: [[UInt8]], maxFrameSize: Int = maxFrameSize) -> [Event] {
        var reader = InboundFrameReader(maxFrameSize: maxFrameSize)
        var events: [Event] = []
        for read in reads {
            do {
                try reader.read(ByteBuffer(bytes: read)) { frame in
                    events.append(
                        .frame(
                            firstByte: frame.firstByte, mask: frame.maskKey.map(Array.init),
                            data: Array(frame.data.readableBytesView)))
                }
            } catch {
                events.append(Event(error))
            }
        }
        return events
    }

    /// Compares both readers on `stream` as one read, as two reads split at every byte boundary, one byte per read,
    /// and in seeded random pieces.
    func expectSame(_ stream: [UInt8], maxFrameSize: Int = maxFrameSize, every: Int = 1) throws {
        var cuts: [[[UInt8]]] = [[stream], stream.map { [$0] }]
        for split in stride(from: 0, through: stream.count, by: every) {
            cuts.append([Array(stream[..<split]), Array(stream[split...])])
        }
        var random = SeededRandom(seed: UInt64(stream.count))
        for _ in 0..<50 {
            var pieces: [[UInt8]] = []
            var start = 0
            while start < stream.count {
                let end = min(stream.count, start + Int.random(in: 0...40, using: &random))
                pieces.append(Array(stream[start..<end]))
                start = end
            }
            cuts.append(pieces)
        }
        for reads in cuts {
            let expected = try viaNIO(reads, maxFrameSize: maxFrameSize)
            let actual = viaReader(reads, maxFrameSize: maxFrameSize)
            #expect(actual == expected, "reads of \(reads.map(\.count))")
            if actual != expected { return }
        }
    }

    /// Valid frames of every shape: text, binary, empty, fragments, control frames at their limit, unmasked,
    /// reserved bits and opcodes, and the 16- and 64-bit length forms (also for short payloads).
    static var validFrames: [ClientFrameBytes] {
        var frames = [
            ClientFrameBytes(opcode: 0x1, text: #"{"event":"pusher:ping","data":{}}"#),
            ClientFrameBytes(opcode: 0x9, payload: []),
            ClientFrameBytes(opcode: 0x9, payload: Array(repeating: 7, count: 125)),
            ClientFrameBytes(opcode: 0x1, payload: Array(repeating: 0x61, count: 126)),
            ClientFrameBytes(opcode: 0x2, payload: []),
            ClientFrameBytes(opcode: 0x1, text: "frag", fin: false),
            ClientFrameBytes(opcode: 0xA, text: "between"),
            ClientFrameBytes(opcode: 0x0, text: "ment", fin: false),
            ClientFrameBytes(opcode: 0x0, text: "ed", fin: true),
            ClientFrameBytes(opcode: 0x8, payload: [0x03, 0xE8, 0x62, 0x79, 0x65]),
            ClientFrameBytes(opcode: 0x3, text: "reserved data opcode"),
            ClientFrameBytes(opcode: 0xB, text: "reserved control opcode"),
            ClientFrameBytes(opcode: 0x2, payload: Array(0...255).map { UInt8($0) } + [1, 2, 3]),
        ]
        var unmasked = ClientFrameBytes(opcode: 0x1, text: "not masked")
        unmasked.mask = nil
        var reserved = ClientFrameBytes(opcode: 0x1, text: "rsv")
        reserved.reservedBits = 0x70
        var sixteen = ClientFrameBytes(opcode: 0x1, text: "short in 16 bits")
        sixteen.lengthForm = .sixteenBits
        var sixtyFour = ClientFrameBytes(opcode: 0x1, text: "short in 64 bits")
        sixtyFour.lengthForm = .sixtyFourBits
        var emptyUnmaskedPing = ClientFrameBytes(opcode: 0x9, payload: [])
        emptyUnmaskedPing.mask = nil
        frames += [unmasked, reserved, sixteen, sixtyFour, emptyUnmaskedPing]
        return frames
    }

    /// Frames NIO's decoder refuses, each with the error it gives.
    static var refusedFrames: [(ClientFrameBytes, NIOWebSocketError)] {
        var oversized = ClientFrameBytes(opcode: 0x1, payload: Array(repeating: 0x61, count: maxFrameSize + 1))
        oversized.lengthForm = .sixteenBits
        var declaredHuge = ClientFrameBytes(opcode: 0x2, payload: [1, 2, 3])
        declaredHuge.declaredLength = UInt64(Int.max) + 1
        var declaredLarge = ClientFrameBytes(opcode: 0x2, payload: [1, 2, 3])
        declaredLarge.declaredLength = 1 << 40
        var unmaskedOversized = ClientFrameBytes(opcode: 0x1, payload: Array(repeating: 0x61, count: 2_000))
        unmaskedOversized.mask = nil
        var longPing = ClientFrameBytes(opcode: 0x9, payload: Array(repeating: 1, count: 126))
        longPing.lengthForm = .sixteenBits
        var longClose = ClientFrameBytes(opcode: 0x8, payload: Array(repeating: 1, count: 200))
        longClose.lengthForm = .sixtyFourBits
        return [
            (oversized, .invalidFrameLength),
            (declaredHuge, .invalidFrameLength),
            (declaredLarge, .invalidFrameLength),
            (unmaskedOversized, .invalidFrameLength),
            (ClientFrameBytes(opcode: 0x9, text: "fragmented ping", fin: false), .fragmentedControlFrame),
            (ClientFrameBytes(opcode: 0x8, payload: [], fin: false), .fragmentedControlFrame),
            (longPing, .multiByteControlFrameLength),
            (longClose, .multiByteControlFrameLength),
        ]
    }

    @Test("valid frames: the same frames as NIO's decoder, however the bytes are cut into reads")
    func validFramesMatchNIO() throws {
        let stream = Self.validFrames.flatMap(\.bytes)
        try expectSame(stream)
        #expect(viaReader([stream]).count == Self.validFrames.count)
    }

    @Test("each refused frame: the same frames before it and the same error, however the bytes are cut")
    func refusedFramesMatchNIO() throws {
        let before = ClientFrameBytes(opcode: 0x1, text: "before").bytes
        let after = ClientFrameBytes(opcode: 0x1, text: "after").bytes
        for (frame, error) in Self.refusedFrames {
            let stream = before + frame.bytes + after
            try expectSame(stream, every: stream.count > 400 ? 7 : 1)
            #expect(viaReader([stream]) == [viaReader([before])[0], .error("\(error)")])
        }
    }

    @Test("bytes after a refused frame are reported as NIO reports them")
    func bytesAfterFailure() throws {
        let refused = ClientFrameBytes(opcode: 0x9, text: "fragmented ping", fin: false).bytes
        let reads = [refused, ClientFrameBytes(opcode: 0x8, payload: []).bytes, [1, 2, 3]]
        let events = viaReader(reads)
        #expect(events == (try viaNIO(reads)))
        #expect(events.count == 3)
    }

    @Test("a frame larger than a read, split at many points, as NIO reads it")
    func largeFrame() throws {
        let large = ClientFrameBytes(opcode: 0x2, payload: (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let stream =
            ClientFrameBytes(opcode: 0x9, payload: []).bytes + large.bytes
            + ClientFrameBytes(
                opcode: 0x1, text: "tail"
            ).bytes
        try expectSame(stream, maxFrameSize: 100_000, every: 4_999)
        for split in 0..<20 {
            let reads = [Array(stream[..<split]), Array(stream[split...])]
            #expect(viaReader(reads, maxFrameSize: 100_000) == (try viaNIO(reads, maxFrameSize: 100_000)))
        }
    }

    @Test("nothing is held between frames; a split frame is held until its last byte")
    func holdsOnlySplitFrames() throws {
        let frame = ClientFrameBytes(opcode: 0x1, text: #"{"event":"pusher:subscribe","data":{"channel":"a"}}"#)
        var reader = InboundFrameReader(maxFrameSize: Self.maxFrameSize)
        var count = 0
        try reader.read(ByteBuffer(bytes: frame.bytes + frame.bytes)) { _ in count += 1 }
        #expect(count == 2)
        #expect(!reader.holdsPartialFrame)
        let bytes = frame.bytes
        for split in 1..<bytes.count {
            try reader.read(ByteBuffer(bytes: bytes[..<split])) { _ in count += 1 }
            #expect(reader.holdsPartialFrame)
            try reader.read(ByteBuffer(bytes: bytes[split...])) { frame in
                count += 1
                #expect(String(buffer: frame.unmaskedData) == #"{"event":"pusher:subscribe","data":{"channel":"a"}}"#)
            }
            #expect(!reader.holdsPartialFrame)
        }
        #expect(count == 2 + bytes.count - 1)
    }
}
