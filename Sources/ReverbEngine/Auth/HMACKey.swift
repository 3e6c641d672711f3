import Crypto

/// An HMAC-SHA256 key prepared once: the padded key is hashed when the value is made, so each signature with it
/// hashes only its message (the API router keeps one per app).
struct HMACKey: @unchecked Sendable {
    // HMAC is a value without shared state; copies of an immutable one are safe on any thread.
    private let prepared: HMAC<SHA256>

    init(secret: String) {
        prepared = HMAC(key: SymmetricKey(data: Array(secret.utf8)))
    }

    /// The lowercase hex signature of `message`, as `HMACSigner.hexSignature(of:secret:)` gives it.
    func hexSignature(of message: [UInt8]) -> String {
        var code = prepared
        code.update(data: message)
        return HMACSigner.hex(code.finalize())
    }
}
