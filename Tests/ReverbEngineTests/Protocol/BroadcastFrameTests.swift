import NIOCore
import Testing
@testable import ReverbEngine

@Suite("Broadcast frames")
struct BroadcastFrameTests {
    @Test(
        "text frame headers for the three length forms",
        arguments: [
            (5, [0x81, 5]), (300, [0x81, 126, 0x01, 0x2C]), (70_000, [0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70]),
        ])
    func header(length: Int, header: [UInt8]) {
        let frame = OutboundFrame.text(ByteBuffer(repeating: UInt8(ascii: "a"), count: length))
        #expect(Array(frame.readableBytesView.prefix(header.count)) == header)
        #expect(frame.readableBytes == header.count + length)
    }
}
