import Crypto
import Foundation
import NIOCore

/// Verifies Pusher's HTTP API signature (docs/protocol.md, API signatures): HMAC-SHA256 over
/// `METHOD\nPATH\nsorted query`, `auth_key` equal to the app key, a fresh `auth_timestamp`, a matching `body_md5`.
enum APISignature {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case missing(String)
        case wrongKey
        case staleTimestamp(offsetSeconds: Int, window: Int)
        case bodyMD5Missing
        case bodyMD5Mismatch
        case signatureMismatch

        var description: String {
            switch self {
            case .missing(let name): "the \(name) query parameter is missing"
            case .wrongKey: "auth_key is not this app's key"
            case .staleTimestamp(let offset, let window):
                "auth_timestamp is \(offset) s away from the server clock (at most \(window) s allowed)"
            case .bodyMD5Missing: "body_md5 is required for a request with a body"
            case .bodyMD5Mismatch: "body_md5 does not match the MD5 of the body"
            case .signatureMismatch: "auth_signature does not match the request"
            }
        }
    }

    /// The string a client signs.
    static func stringToSign(method: String, path: String, query: [(name: String, value: String)]) -> String {
        let pairs = query.filter { $0.name != "auth_signature" }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { "\($0.name)=\($0.value)" }
        return "\(method)\n\(path)\n\(pairs.joined(separator: "&"))"
    }

    static func md5Hex(_ bytes: some Sequence<UInt8>) -> String {
        HMACSigner.hex(Insecure.MD5.hash(data: Array(bytes)))
    }

    /// `md5Hex` of a request body read in place.
    static func md5Hex(_ buffer: ByteBuffer) -> String {
        var md5 = Insecure.MD5()
        buffer.withUnsafeReadableBytes { md5.update(bufferPointer: $0) }
        return HMACSigner.hex(md5.finalize())
    }

    /// The bytes a client signs, without building the intermediate strings (the API's hot path).
    static func bytesToSign(method: String, path: String, query: [(name: String, value: String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(method.utf8.count + path.utf8.count + query.count * 24 + 2)
        bytes.append(contentsOf: method.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: path.utf8)
        bytes.append(UInt8(ascii: "\n"))
        var first = true
        for pair in query.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) })
        where pair.name != "auth_signature" {
            if !first { bytes.append(UInt8(ascii: "&")) }
            first = false
            bytes.append(contentsOf: pair.name.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: pair.value.utf8)
        }
        return bytes
    }

    /// `key` is the app's secret prepared once (`HMACKey`); without it the secret is prepared for this call.
    static func verify(
        method: String, path: String, query: [(name: String, value: String)], body: [UInt8], app: Application,
        timestampWindow: Int, now: Date = Date(), key signingKey: HMACKey? = nil
    ) throws(Failure) {
        try verify(
            method: method, path: path, query: query, body: ByteBuffer(bytes: body), app: app,
            timestampWindow: timestampWindow, now: now, key: signingKey)
    }

    /// `verify` with the body as the request holds it (not copied out).
    static func verify(
        method: String, path: String, query: [(name: String, value: String)], body: ByteBuffer, app: Application,
        timestampWindow: Int, now: Date = Date(), key signingKey: HMACKey? = nil
    ) throws(Failure) {
        func value(_ name: String) -> String? { query.last(where: { $0.name == name })?.value }
        guard let key = value("auth_key") else { throw .missing("auth_key") }
        guard let signature = value("auth_signature") else { throw .missing("auth_signature") }
        guard let timestampText = value("auth_timestamp") else { throw .missing("auth_timestamp") }
        guard HMACSigner.constantTimeEquals(key, app.key) else { throw .wrongKey }
        if timestampWindow > 0 {
            let offset = Int(abs(now.timeIntervalSince1970 - (Double(timestampText) ?? 0)))
            guard offset <= timestampWindow else {
                throw .staleTimestamp(offsetSeconds: offset, window: timestampWindow)
            }
        }
        if let bodyMD5 = value("body_md5") {
            guard bodyMD5 == md5Hex(body) else { throw .bodyMD5Mismatch }
        } else if body.readableBytes > 0 {
            throw .bodyMD5Missing
        }
        let expected = (signingKey ?? HMACKey(secret: app.secret)).hexSignature(
            of: bytesToSign(method: method, path: path, query: query))
        guard HMACSigner.constantTimeEquals(signature, expected) else { throw .signatureMismatch }
    }
}
