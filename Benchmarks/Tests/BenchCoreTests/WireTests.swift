import BenchCore
import NIOCore
import Testing

@Suite struct WireTests {
    @Test func clientFrameRoundTripsThroughTheParser() throws {
        for size in [0, 5, 125, 126, 1000, 70_000] {
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
            var buffer = ByteBuffer()
            WireFrameCodec.writeClientFrame(
                opcode: WireFrame.text, payload: payload, maskKey: 0xdead_beef, into: &buffer)
            let frame = try #require(try WireFrameCodec.parse(&buffer))
            #expect(frame.fin)
            #expect(frame.opcode == WireFrame.text)
            #expect(Array(frame.payload.readableBytesView) == payload)
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func incompleteFramesConsumeNothing() throws {
        var full = ByteBuffer()
        WireFrameCodec.writeServerFrame(opcode: WireFrame.text, payload: ByteBuffer(string: "hello world"), into: &full)
        var partial = full.getSlice(at: 0, length: full.readableBytes - 1)!
        #expect(try WireFrameCodec.parse(&partial) == nil)
        #expect(partial.readableBytes == full.readableBytes - 1)
        let frame = try #require(try WireFrameCodec.parse(&full))
        #expect(String(buffer: frame.payload) == "hello world")
    }

    @Test func probeReadsMarksInStringAndObjectForms() {
        let data = PayloadProbe.makeData(timeMicros: 123_456, sequence: 7, size: 80)
        let apiEvent = JSONValue.object([("event", .string("bench")), ("data", .string(data))]).rendered
        let buffer = ByteBuffer(string: apiEvent)
        #expect(PayloadProbe.integer(after: "_t", in: buffer) == 123_456)
        #expect(PayloadProbe.integer(after: "_s", in: buffer) == 7)
        let whisper = ByteBuffer(string: #"{"event":"client-ping","channel":"c","data":{"_t":99,"_s":3}}"#)
        #expect(PayloadProbe.integer(after: "_t", in: whisper) == 99)
        #expect(PayloadProbe.integer(after: "_s", in: whisper) == 3)
        #expect(PayloadProbe.integer(after: "_t", in: ByteBuffer(string: #"{"activity_timeout":30}"#)) == nil)
        #expect(data.utf8.count >= 78 && data.utf8.count <= 82)
    }

    @Test func probeReadsTokens() {
        let established = ByteBuffer(
            string:
                #"{"event":"pusher:connection_established","data":"{\"socket_id\":\"123.456\",\"activity_timeout\":30}"}"#
        )
        #expect(PayloadProbe.token(after: "event", in: established) == "pusher:connection_established")
        #expect(PayloadProbe.token(after: "socket_id", in: established) == "123.456")
        let added = ByteBuffer(
            string: #"{"event":"pusher_internal:member_added","data":"{\"user_id\":42,\"user_info\":{}}"}"#)
        #expect(PayloadProbe.token(after: "user_id", in: added) == "42")
    }

    @Test func httpScannerHandlesLengthChunkedAndPartial() {
        let plain = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1".utf8)
        #expect(
            HTTPResponseScanner.scan(plain) == .init(status: 200, length: 40, closes: false, body: Array("{}".utf8)))
        #expect(HTTPResponseScanner.scan(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{".utf8)) == nil)
        let chunked = Array("HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n".utf8)
        let response = HTTPResponseScanner.scan(chunked)
        #expect(response?.status == 401)
        #expect(response?.body == Array("no".utf8))
        #expect(response?.length == chunked.count)
        let closing = Array("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
        #expect(HTTPResponseScanner.scan(closing)?.closes == true)
    }
}
