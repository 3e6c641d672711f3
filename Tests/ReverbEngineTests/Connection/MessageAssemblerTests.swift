import NIOCore
import NIOWebSocket
import Testing

@testable import ReverbEngine

/// Fragment assembly and `max_message_size`, frame by frame, without a socket.
@Suite("Message assembler")
struct MessageAssemblerTests {
    func frame(_ text: String, opcode: WebSocketOpcode = .text, fin: Bool = true) -> InboundFrame {
        InboundFrame(fin: fin, opcode: opcode, data: ByteBuffer(string: text))
    }

    func text(_ result: MessageAssembler.Result) -> String? {
        guard case .message(let buffer, true) = result else { return nil }
        return String(buffer: buffer)
    }

    @Test("a whole text frame is a message at once")
    func wholeFrame() {
        var assembler = MessageAssembler(maxMessageSize: 100)
        #expect(text(assembler.append(frame("hello"))) == "hello")
    }

    @Test("fragments join in order; the first frame's opcode decides text or binary")
    func fragments() {
        var assembler = MessageAssembler(maxMessageSize: 100)
        guard case .incomplete = assembler.append(frame("he", fin: false)) else {
            Issue.record("expected incomplete")
            return
        }
        guard case .incomplete = assembler.append(frame("ll", opcode: .continuation, fin: false)) else {
            Issue.record("expected incomplete")
            return
        }
        #expect(text(assembler.append(frame("o", opcode: .continuation))) == "hello")
        guard case .message(_, let isText) = assembler.append(frame("b", opcode: .binary)) else {
            Issue.record("expected a binary message after the first one ended")
            return
        }
        #expect(!isText)
    }

    @Test("max_message_size applies to the whole message, including across fragments")
    func tooLarge() {
        var assembler = MessageAssembler(maxMessageSize: 4)
        #expect(text(assembler.append(frame("1234"))) == "1234", "exactly the limit is allowed")
        guard case .tooLarge = assembler.append(frame("12345")) else {
            Issue.record("one byte over must be refused")
            return
        }
        _ = assembler.append(frame("123", fin: false))
        guard case .tooLarge = assembler.append(frame("45", opcode: .continuation)) else {
            Issue.record("fragments adding up past the limit must be refused")
            return
        }
        #expect(text(assembler.append(frame("ok"))) == "ok", "the oversized partial message was dropped")
    }

    @Test("a continuation without a message, or a new message inside one, is a protocol violation")
    func violations() {
        var assembler = MessageAssembler(maxMessageSize: 100)
        guard case .protocolViolation = assembler.append(frame("x", opcode: .continuation)) else {
            Issue.record("continuation without a message")
            return
        }
        _ = assembler.append(frame("a", fin: false))
        guard case .protocolViolation = assembler.append(frame("b")) else {
            Issue.record("new message before the last one ended")
            return
        }
    }
}
