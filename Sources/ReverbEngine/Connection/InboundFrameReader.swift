import NIOCore
import NIOWebSocket

/// Cuts a socket's bytes into `InboundFrame`s as they arrive, the way NIO's
/// `ByteToMessageHandler(WebSocketFrameDecoder)` does, but as two fields of `WebSocketChannelHandler`.
///
/// Bytes are kept only while a frame is split across reads; between frames nothing is held, so an idle socket
/// costs no buffer. After a frame breaks a limit nothing more is decoded, and any later bytes are reported with the
/// error `ByteToMessageHandler` reports for them.
struct InboundFrameReader {
    let maxFrameSize: Int
    /// The start of a frame split across reads.
    private var partial: ByteBuffer?
    private var failure: NIOWebSocketError?

    init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    /// Whether bytes of an unfinished frame are held.
    var holdsPartialFrame: Bool { partial != nil }

    /// Hands every whole frame in `bytes` (after what an earlier read left) to `frame`, in order. Throws the
    /// `NIOWebSocketError` of a frame that breaks a limit (the frames before it are handed over first), and on any
    /// later call `ByteToMessageDecoderError.dataReceivedInErrorState`.
    mutating func read(_ bytes: ByteBuffer, frame: (InboundFrame) -> Void) throws {
        var bytes = bytes
        if let failure { throw ByteToMessageDecoderError.dataReceivedInErrorState(failure, bytes) }
        if var earlier = partial {
            partial = nil
            earlier.writeBuffer(&bytes)
            bytes = earlier
        }
        do {
            while let next = try InboundFrame.read(from: &bytes, maxFrameSize: maxFrameSize) {
                frame(next)
            }
        } catch {
            failure = error
            throw error
        }
        if bytes.readableBytes > 0 { partial = bytes }
    }
}
