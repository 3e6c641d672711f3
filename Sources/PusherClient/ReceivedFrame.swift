/// A frame as a test or load client sees it.
public enum ReceivedFrame: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    /// A close frame: the code (nil when the payload was empty) and the reason.
    case close(code: Int?, reason: String)
    /// The TCP connection ended.
    case disconnected
}
