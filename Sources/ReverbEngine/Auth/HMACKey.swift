import Crypto

/// An HMAC-SHA256 key prepared once (the API router keeps one per app): the inner and outer hashes have already
/// absorbed the padded key (RFC 2104), so each signature hashes only its message and the inner digest, straight
/// from the bytes, without `HMAC`'s generic `DataProtocol` path.
struct HMACKey: @unchecked Sendable {
    // SHA256 values are copied before each use and never mutated in place; copies are safe on any thread.
    private let inner: SHA256
    private let outer: SHA256

    init(secret: String) {
        var key = Array(secret.utf8)
        if key.count > 64 { key = Array(SHA256.hash(data: key)) }
        key += [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA256()
        var outer = SHA256()
        inner.update(data: key.map { $0 ^ 0x36 })
        outer.update(data: key.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    /// The lowercase hex signature of `message`, as `HMACSigner.hexSignature(of:secret:)` gives it.
    func hexSignature(of message: [UInt8]) -> String {
        var inner = self.inner
        message.withUnsafeBytes { inner.update(bufferPointer: $0) }
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return HMACSigner.hex(outer.finalize())
    }
}
