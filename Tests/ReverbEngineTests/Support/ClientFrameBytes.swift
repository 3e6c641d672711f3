import NIOCore

/// The bytes a client puts on the wire for one WebSocket frame, built by hand so that tests can also send what a
/// well-behaved client library never would (no mask, reserved bits, oversized lengths, a non-minimal length form).
struct ClientFrameBytes {
    enum LengthForm {
        /// 7 bits up to 125, then 16, then 64 bits.
        case shortest
        case sixteenBits
        case sixtyFourBits
    }

    var fin = true
    /// RSV1 to RSV3, already shifted into place (0x70 for all three).
    var reservedBits: UInt8 = 0
    var opcode: UInt8
    var payload: [UInt8]
    var mask: [UInt8]? = [0x37, 0xFA, 0x21, 0x3D]
    var lengthForm = LengthForm.shortest
    /// Overrides the length in the header (the payload is still the given one).
    var declaredLength: UInt64?

    init(opcode: UInt8, payload: [UInt8], fin: Bool = true) {
        self.opcode = opcode
        self.payload = payload
        self.fin = fin
    }

    init(opcode: UInt8, text: String, fin: Bool = true) {
        self.init(opcode: opcode, payload: Array(text.utf8), fin: fin)
    }

    var bytes: [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | reservedBits | (opcode & 0x0F)]
        let length = declaredLength ?? UInt64(payload.count)
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        switch lengthForm {
        case .shortest where length <= 125:
            out.append(maskBit | UInt8(length))
        case .shortest where length <= 0xFFFF, .sixteenBits:
            out.append(maskBit | 126)
            out.append(contentsOf: [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)])
        case .shortest, .sixtyFourBits:
            out.append(maskBit | 127)
            out.append(contentsOf: (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> (8 * $0)) })
        }
        guard let mask else { return out + payload }
        out.append(contentsOf: mask)
        out.append(contentsOf: payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
        return out
    }

    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }
}
