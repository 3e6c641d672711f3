/// Checks the `auth` of a private, presence or encrypted subscription: HMAC-SHA256 of
/// `socket_id:channel[:channel_data]` with the app secret, hex, after the `key:` prefix.
package enum ChannelAuthorizer {
    /// The hex signature a Laravel auth endpoint would produce.
    package static func signature(secret: String, socketID: String, channel: String, channelData: String?) -> String {
        signature(key: HMACKey(secret: secret), socketID: socketID, channel: channel, channelData: channelData)
    }

    /// The same signature with the secret prepared once per app (`AppRegistry.signingKey`): every private and
    /// presence subscription signs, and preparing the key is half the cost of an HMAC.
    static func signature(key: HMACKey, socketID: String, channel: String, channelData: String?) -> String {
        var message: [UInt8] = []
        message.reserveCapacity(socketID.utf8.count + channel.utf8.count + (channelData?.utf8.count ?? 0) + 2)
        message += socketID.utf8
        message.append(UInt8(ascii: ":"))
        message += channel.utf8
        if let channelData, !channelData.isEmpty {
            message.append(UInt8(ascii: ":"))
            message += channelData.utf8
        }
        return key.hexSignature(of: message)
    }

    /// True when `auth` (`key:signature`, or a bare signature) is right for this subscription.
    package static func isAuthorized(
        auth: String?, secret: String, socketID: String, channel: String, channelData: String?
    ) -> Bool {
        isAuthorized(
            auth: auth, key: HMACKey(secret: secret), socketID: socketID, channel: channel, channelData: channelData)
    }

    static func isAuthorized(
        auth: String?, key: HMACKey, socketID: String, channel: String, channelData: String?
    ) -> Bool {
        guard let auth, !auth.isEmpty else { return false }
        let provided = auth.firstIndex(of: ":").map { String(auth[auth.index(after: $0)...]) } ?? auth
        let expected = signature(key: key, socketID: socketID, channel: channel, channelData: channelData)
        return HMACSigner.constantTimeEquals(provided, expected)
    }
}
