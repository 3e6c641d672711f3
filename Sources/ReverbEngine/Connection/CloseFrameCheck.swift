import NIOCore

/// How the server answers a client's close frame, checked as RFC 6455 requires: a payload is empty or holds a
/// two-byte status code that a peer may send, followed by a UTF-8 reason. A bad close frame is answered with
/// 1002 (or 1007 for a reason that is not UTF-8) and its code is never echoed.
enum CloseFrameCheck {
    /// The code and reason of the close frame to send back.
    static func reply(to payload: ByteBuffer) -> (code: Int, reason: String) {
        var payload = payload
        guard payload.readableBytes > 0 else { return (1000, "") }
        guard let code = payload.readInteger(as: UInt16.self).map(Int.init) else {
            return (1002, "Close frame payload of one byte")
        }
        guard isValidReceived(code) else { return (1002, "Invalid close code \(code)") }
        guard String(validating: payload.readableBytesView, as: UTF8.self) != nil else {
            return (1007, "Close reason is not valid UTF-8")
        }
        return (code, "")
    }

    /// Codes a peer may put in a close frame: the defined 1000–1003 and 1007–1014, and 3000–4999 for libraries
    /// and applications. 1004 is reserved; 1005, 1006 and 1015 must never appear on the wire.
    static func isValidReceived(_ code: Int) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
