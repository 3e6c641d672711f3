import Crypto

/// Pusher request and channel signatures (docs/protocol.md, API signatures), as a client produces them.
public enum PusherSigning {
    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase hex HMAC-SHA256 of `message` keyed with `secret`.
    public static func hmacHex(_ message: String, secret: String) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        return hex(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
    }

    /// Lowercase hex MD5 of a request body (`body_md5`).
    public static func md5Hex(_ body: [UInt8]) -> String {
        hex(Insecure.MD5.hash(data: body))
    }

    /// The full query string (with `auth_signature` last) for an API request.
    /// `params` are extra API parameters such as `info`; values are signed unencoded, as the server compares them.
    public static func signedQuery(
        method: String,
        path: String,
        params: [(String, String)] = [],
        body: [UInt8],
        key: String,
        secret: String,
        timestamp: Int
    ) -> String {
        var all = params
        all.append(("auth_key", key))
        all.append(("auth_timestamp", String(timestamp)))
        all.append(("auth_version", "1.0"))
        if !body.isEmpty { all.append(("body_md5", md5Hex(body))) }
        all.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        let query = all.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let signature = hmacHex("\(method)\n\(path)\n\(query)", secret: secret)
        return query + "&auth_signature=" + signature
    }

    /// The `auth` member of a private or presence subscribe: `key:hex(HMAC(socket_id:channel[:channel_data]))`.
    public static func channelAuth(
        socketID: String,
        channel: String,
        channelData: String? = nil,
        key: String,
        secret: String
    ) -> String {
        var message = "\(socketID):\(channel)"
        if let channelData, !channelData.isEmpty { message += ":" + channelData }
        return key + ":" + hmacHex(message, secret: secret)
    }
}
