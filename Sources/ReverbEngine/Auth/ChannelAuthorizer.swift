import Crypto
import Foundation

/// Checks the `auth` of a private, presence or encrypted subscription: HMAC-SHA256 of
/// `socket_id:channel[:channel_data]` with the app secret, hex, after the `key:` prefix.
package enum ChannelAuthorizer {
    /// The hex signature a Laravel auth endpoint would produce.
    package static func signature(secret: String, socketID: String, channel: String, channelData: String?) -> String {
        var message = "\(socketID):\(channel)"
        if let channelData, !channelData.isEmpty { message += ":\(channelData)" }
        return HMACSigner.hexSignature(of: message, secret: secret)
    }

    /// True when `auth` (`key:signature`, or a bare signature) is right for this subscription.
    package static func isAuthorized(
        auth: String?, secret: String, socketID: String, channel: String, channelData: String?
    ) -> Bool {
        guard let auth, !auth.isEmpty else { return false }
        let provided = auth.firstIndex(of: ":").map { String(auth[auth.index(after: $0)...]) } ?? auth
        let expected = signature(secret: secret, socketID: socketID, channel: channel, channelData: channelData)
        return HMACSigner.constantTimeEquals(provided, expected)
    }
}
