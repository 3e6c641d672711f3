/// Checks the `auth` of a `pusher:signin`: HMAC-SHA256 of `socket_id::user::user_data` with the app secret,
/// hex, after the `key:` prefix (what the server SDKs' `authenticateUser` produce).
public enum UserAuthenticator {
    public static func signature(secret: String, socketID: String, userData: String) -> String {
        HMACSigner.hexSignature(of: "\(socketID)::user::\(userData)", secret: secret)
    }

    /// True when `auth` is `key:signature` with this app's key and the right signature for this socket.
    public static func isAuthentic(
        auth: String, key: String, secret: String, socketID: String, userData: String
    )
        -> Bool
    {
        guard let colon = auth.firstIndex(of: ":"), auth[..<colon] == key else { return false }
        let provided = String(auth[auth.index(after: colon)...])
        return HMACSigner.constantTimeEquals(
            provided, signature(secret: secret, socketID: socketID, userData: userData))
    }
}
