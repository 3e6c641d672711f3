import Foundation
import NIOCore

/// The attributes an API caller may ask for with `info=`.
struct InfoAttributes {
    var userCount = false
    var subscriptionCount = false
    var cache = false

    init(_ text: String?) {
        for item in (text ?? "").split(separator: ",") {
            switch item.trimmingCharacters(in: .whitespaces) {
            case "user_count": userCount = true
            case "subscription_count": subscriptionCount = true
            case "cache": cache = true
            default: break
            }
        }
    }
}

extension AppRegistry {
    /// `{"user_count":1}` for presence, `{"subscription_count":2}` for others, `{}` for unknown channels.
    func infoMembers(of name: String, _ info: InfoAttributes) -> [JSONMember] {
        guard let channel = channel(named: name) else { return [] }
        var members: [JSONMember] = []
        if channel.kind.access == .presence {
            if info.userCount { members.append(JSONMember("user_count", .number(String(channel.roster.count)))) }
        } else if info.subscriptionCount {
            members.append(JSONMember("subscription_count", .number(String(channel.subscribers.count))))
        }
        if info.cache, channel.kind.isCache, let payload = channel.cachedPayload,
            let cached = try? JSONParser.parse(bytes: payload.readableBytesView)
        {
            members.append(JSONMember("cache", cached))
        }
        return members
    }

    /// Names of occupied channels starting with `prefix`, sorted.
    func channelNames(prefix: String?) -> [String] {
        channels.keys.filter { prefix == nil || $0.hasPrefix(prefix!) }.sorted()
    }
}
