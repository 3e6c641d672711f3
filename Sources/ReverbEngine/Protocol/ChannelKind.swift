/// What a channel name means, decided by its prefix (Reverb's order; `private-encrypted-cache-` caches too).
public struct ChannelKind: Sendable, Hashable, Codable {
    /// Who may subscribe and what the subscription carries.
    public enum Access: String, Sendable, Hashable, Codable {
        case `public`, `private`, presence
    }

    public var access: Access
    /// `private-encrypted-` channels: payloads are end-to-end encrypted; the server never relays client events.
    public var isEncrypted: Bool
    /// Cache channels keep the last event and replay it to new subscribers.
    public var isCache: Bool

    public init(access: Access, isEncrypted: Bool = false, isCache: Bool = false) {
        self.access = access
        self.isEncrypted = isEncrypted
        self.isCache = isCache
    }

    /// Classifies a channel name by its prefix.
    public init(channelName name: String) {
        if name.hasPrefix("private-encrypted-cache-") {
            self.init(access: .private, isEncrypted: true, isCache: true)
        } else if name.hasPrefix("private-encrypted-") {
            self.init(access: .private, isEncrypted: true)
        } else if name.hasPrefix("private-cache-") {
            self.init(access: .private, isCache: true)
        } else if name.hasPrefix("presence-cache-") {
            self.init(access: .presence, isCache: true)
        } else if name.hasPrefix("cache") {
            self.init(access: .public, isCache: true)
        } else if name.hasPrefix("private") {
            self.init(access: .private)
        } else if name.hasPrefix("presence") {
            self.init(access: .presence)
        } else {
            self.init(access: .public)
        }
    }

    /// Private, presence and encrypted channels need a signed `auth` to subscribe.
    public var requiresAuthorization: Bool { access != .public }

    /// Client events (`client-*`) are relayed only on private and presence channels, never encrypted ones.
    public var acceptsClientEvents: Bool { access != .public && !isEncrypted }

    /// A short label for display: `public`, `private`, `presence`, `encrypted`, with `+cache` where it caches.
    public var label: String {
        let base = isEncrypted ? "encrypted" : access.rawValue
        return isCache ? base + "+cache" : base
    }
}
