/// How a receiver knows a webhook came from this server: `X-Pusher-Key` names the app, `X-Pusher-Signature`
/// is the hex HMAC-SHA256 of the exact body bytes with the app secret (what the Pusher SDKs' `validate_webhook`
/// recomputes).
public enum WebhookSignature {
    public static func sign(body: String, secret: String) -> String {
        HMACSigner.hexSignature(of: body, secret: secret)
    }

    /// The signing headers, in the order they are sent.
    public static func headers(key: String, secret: String, body: String) -> [(name: String, value: String)] {
        [("X-Pusher-Key", key), ("X-Pusher-Signature", sign(body: body, secret: secret))]
    }
}
