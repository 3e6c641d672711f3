/// A presence change the cluster decided: a user's first socket anywhere joined, or their last one left.
struct ClusterTransition: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case added, removed
    }

    var kind: Kind
    var appID: String
    var channel: String
    /// `{"user_id":…,"user_info":…}` as JSON text.
    var member: String

    /// Reads the flat `{kind, app, channel, member, …}` list the update script returns.
    static func list(_ value: RESPValue?) -> [ClusterTransition] {
        guard let items = value?.array else { return [] }
        return stride(from: 0, to: items.count - 3, by: 4).compactMap { index in
            guard let kind = items[index].string, let app = items[index + 1].string,
                let channel = items[index + 2].string, let member = items[index + 3].string
            else { return nil }
            return ClusterTransition(
                kind: kind == "added" ? .added : .removed, appID: app, channel: channel, member: member)
        }
    }
}
