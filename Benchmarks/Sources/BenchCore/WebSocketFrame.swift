import NIOCore

/// One parsed WebSocket frame, as the bench client sees it (RFC 6455 §5.2).
public struct WireFrame: Sendable {
    public var fin: Bool
    public var opcode: UInt8
    public var payload: ByteBuffer

    public static let continuation: UInt8 = 0x0
    public static let text: UInt8 = 0x1
    public static let binary: UInt8 = 0x2
    public static let close: UInt8 = 0x8
    public static let ping: UInt8 = 0x9
    public static let pong: UInt8 = 0xA
}

/// Why a byte stream is not a valid server-to-client frame sequence.
public enum WireFrameError: Error, Equatable {
    case frameTooLarge(UInt64)
}

/// A minimal frame codec for clients: parses server frames (masked or not) and writes masked client frames.
/// Hand-written rather than NIO's decoder so that a client socket costs one handler and one buffer.
public enum WireFrameCodec {
    /// Largest payload accepted from a server; a benchmark never needs more.
    public static let maxPayload: UInt64 = 16 << 20

    /// Takes one complete frame off the front of `buffer`, or returns nil (consuming nothing) if incomplete.
    public static func parse(_ buffer: inout ByteBuffer) throws -> WireFrame? {
        let start = buffer.readerIndex
        guard let b0 = buffer.getInteger(at: start, as: UInt8.self),
            let b1 = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return nil }
        var offset = start + 2
        var length = UInt64(b1 & 0x7f)
        if length == 126 {
            guard let l = buffer.getInteger(at: offset, as: UInt16.self) else { return nil }
            length = UInt64(l)
            offset += 2
        } else if length == 127 {
            guard let l = buffer.getInteger(at: offset, as: UInt64.self) else { return nil }
            length = l
            offset += 8
        }
        guard length <= maxPayload else { throw WireFrameError.frameTooLarge(length) }
        var mask: [UInt8]? = nil
        if b1 & 0x80 != 0 {
            guard let m = buffer.getBytes(at: offset, length: 4) else { return nil }
            mask = m
            offset += 4
        }
        guard var payload = buffer.getSlice(at: offset, length: Int(length)) else { return nil }
        buffer.moveReaderIndex(to: offset + Int(length))
        if let mask {
            payload.withUnsafeMutableReadableBytes { bytes in
                for i in 0..<bytes.count { bytes[i] ^= mask[i & 3] }
            }
        }
        return WireFrame(fin: b0 & 0x80 != 0, opcode: b0 & 0x0f, payload: payload)
    }

    /// Appends a final, masked client frame (clients must mask, RFC 6455 §5.3).
    public static func writeClientFrame(
        opcode: UInt8,
        payload: some Collection<UInt8>,
        maskKey: UInt32,
        into out: inout ByteBuffer
    ) {
        out.writeInteger(0x80 | opcode, as: UInt8.self)
        let count = payload.count
        if count < 126 {
            out.writeInteger(0x80 | UInt8(count), as: UInt8.self)
        } else if count <= 0xffff {
            out.writeInteger(0x80 | 126, as: UInt8.self)
            out.writeInteger(UInt16(count))
        } else {
            out.writeInteger(0x80 | 127, as: UInt8.self)
            out.writeInteger(UInt64(count))
        }
        out.writeInteger(maskKey)
        let mask: (UInt8, UInt8, UInt8, UInt8) = (
            UInt8(truncatingIfNeeded: maskKey >> 24), UInt8(truncatingIfNeeded: maskKey >> 16),
            UInt8(truncatingIfNeeded: maskKey >> 8), UInt8(truncatingIfNeeded: maskKey)
        )
        var i = 0
        for byte in payload {
            let m: UInt8
            switch i & 3 {
            case 0: m = mask.0
            case 1: m = mask.1
            case 2: m = mask.2
            default: m = mask.3
            }
            out.writeInteger(byte ^ m, as: UInt8.self)
            i += 1
        }
    }

    /// Appends a final, unmasked server frame header and payload (what a server sends).
    public static func writeServerFrame(opcode: UInt8, payload: ByteBuffer, into out: inout ByteBuffer) {
        out.writeInteger(0x80 | opcode, as: UInt8.self)
        let count = payload.readableBytes
        if count < 126 {
            out.writeInteger(UInt8(count), as: UInt8.self)
        } else if count <= 0xffff {
            out.writeInteger(126, as: UInt8.self)
            out.writeInteger(UInt16(count))
        } else {
            out.writeInteger(127, as: UInt8.self)
            out.writeInteger(UInt64(count))
        }
        var copy = payload
        out.writeBuffer(&copy)
    }
}
