import NIOCore
import NIOWebSocket

/// Joins fragmented WebSocket data frames into whole messages and enforces the app's `max_message_size`.
struct MessageAssembler {
    enum Result {
        case incomplete
        case message(ByteBuffer, isText: Bool)
        case tooLarge
        case protocolViolation(String)
    }

    let maxMessageSize: Int
    private var partial: ByteBuffer?
    private var partialIsText = false

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    mutating func append(_ frame: InboundFrame) -> Result {
        var data = frame.unmaskedData
        switch frame.opcode {
        case .text, .binary:
            guard partial == nil else { return .protocolViolation("new message before the last one ended") }
            guard data.readableBytes <= maxMessageSize else { return .tooLarge }
            if frame.fin { return .message(data, isText: frame.opcode == .text) }
            partial = data
            partialIsText = frame.opcode == .text
            return .incomplete
        case .continuation:
            guard var buffer = partial else { return .protocolViolation("continuation frame without a message") }
            guard buffer.readableBytes + data.readableBytes <= maxMessageSize else {
                partial = nil
                return .tooLarge
            }
            buffer.writeBuffer(&data)
            if frame.fin {
                partial = nil
                return .message(buffer, isText: partialIsText)
            }
            partial = buffer
            return .incomplete
        default:
            return .protocolViolation("not a data frame")
        }
    }
}
