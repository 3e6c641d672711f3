import NIOCore
import Testing

@testable import ReverbEngine

@Suite("RESP codec")
struct RESPCodecTests {
    func decodeAll(_ text: String) throws -> [RESPValue] {
        var buffer = ByteBuffer(string: text)
        var values: [RESPValue] = []
        while let value = try RESPDecoder.decode(&buffer) { values.append(value) }
        #expect(buffer.readableBytes == 0)
        return values
    }

    @Test("commands are arrays of bulk strings, byte for byte, binary-safe")
    func encoding() {
        #expect(
            String(buffer: RESPEncoder.encode(["SET", "key", "value"]))
                == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
        #expect(String(buffer: RESPEncoder.encode(["GET", ""])) == "*2\r\n$3\r\nGET\r\n$0\r\n\r\n")
        #expect(String(buffer: RESPEncoder.encode(["ECHO", "é\r\n"])) == "*2\r\n$4\r\nECHO\r\n$4\r\né\r\n\r\n")
        var pipeline = ByteBuffer()
        RESPEncoder.write(["PING"], into: &pipeline)
        RESPEncoder.write(["PING"], into: &pipeline)
        #expect(String(buffer: pipeline) == "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n")
    }

    @Test("every reply type decodes")
    func replyTypes() throws {
        let values = try decodeAll("+OK\r\n-ERR wrong\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n")
        #expect(
            values == [
                .simpleString("OK"), .error("ERR wrong"), .integer(42), .integer(-7),
                .bulkString(ByteBuffer(string: "hello")), .bulkString(ByteBuffer()), .null, .null, .array([]),
            ])
    }

    @Test("bulk strings may hold CRLF and any bytes")
    func binaryBulk() throws {
        let values = try decodeAll("$4\r\na\r\nb\r\n")
        #expect(values == [.bulkString(ByteBuffer(string: "a\r\nb"))])
    }

    @Test("nested arrays with mixed types (XREAD's shape)")
    func nested() throws {
        let text = "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\ne\r\n$2\r\n{}\r\n"
        let values = try decodeAll(text)
        let entry = RESPValue.array([
            .bulkString(ByteBuffer(string: "1-0")),
            .array([.bulkString(ByteBuffer(string: "e")), .bulkString(ByteBuffer(string: "{}"))]),
        ])
        #expect(values == [.array([.array([.bulkString(ByteBuffer(string: "s")), .array([entry])])])])
        #expect(values[0].array?[0].array?[1].array?[0].array?[1].pairs.first?.1 == "{}")
    }

    @Test("a reply cut at every byte waits for the rest and then decodes once")
    func partialReads() throws {
        let text = "*3\r\n$7\r\nmessage\r\n$6\r\nreverb\r\n*2\r\n:1\r\n+OK\r\n"
        let bytes = Array(text.utf8)
        for cut in 0..<bytes.count {
            var buffer = ByteBuffer(bytes: bytes[..<cut])
            #expect(try RESPDecoder.decode(&buffer) == nil, "cut at \(cut)")
            #expect(buffer.readableBytes == cut)
            buffer.writeBytes(bytes[cut...])
            let value = try #require(try RESPDecoder.decode(&buffer))
            #expect(value.array?.count == 3)
            #expect(value.array?[2] == .array([.integer(1), .simpleString("OK")]))
        }
    }

    @Test("pipelined replies decode in order from one read")
    func pipelined() throws {
        #expect(
            try decodeAll("+PONG\r\n:1\r\n$1\r\nx\r\n") == [
                .simpleString("PONG"), .integer(1), .bulkString(ByteBuffer(string: "x")),
            ])
    }

    @Test("malformed input is an error, not a hang")
    func malformed() {
        for text in ["?what\r\n", ":12a\r\n", "$3\r\nabcd\r\n", "$-5\r\n", "*-3\r\n"] {
            var buffer = ByteBuffer(string: text)
            #expect(throws: RESPDecoder.MalformedReply.self, "\(text.debugDescription)") {
                _ = try RESPDecoder.decode(&buffer)
            }
        }
    }

    @Test("values read as the types scripts return")
    func accessors() {
        #expect(RESPValue.bulkString(ByteBuffer(string: "12")).int == 12)
        #expect(RESPValue.integer(3).int == 3)
        #expect(RESPValue.null.string == nil)
        let hash = RESPValue.array(["a", "1", "b", "2"].map { .bulkString(ByteBuffer(string: $0)) })
        #expect(hash.pairs.map(\.0) == ["a", "b"])
    }
}
