import Foundation
import NIOCore

extension AppState {
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
