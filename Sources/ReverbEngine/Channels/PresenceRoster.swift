import OrderedCollections

/// The users on one presence channel, in join order, each counted once however many sockets they use.
package struct PresenceRoster: Sendable {
    /// One user: the id as the client sent it (number or string), the info, and how many sockets hold it.
    package struct Member: Sendable, Hashable {
        package var userID: JSONValue
        package var userInfo: JSONValue?
        package var connections: Int
    }

    package private(set) var members: OrderedDictionary<String, Member> = [:]

    package init() {}

    /// The key two ids share when they name the same user: `1` and `"1"` are one user.
    package static func key(for userID: JSONValue) -> String? {
        switch userID {
        case .string(let text): text
        case .number(let literal): literal
        default: nil
        }
    }

    /// Adds one socket of a user; true when the user was not present before (so `member_added` is due).
    package mutating func join(userID: JSONValue, userInfo: JSONValue?) -> Bool {
        guard let key = Self.key(for: userID) else { return false }
        if var member = members[key] {
            member.connections += 1
            members[key] = member
            return false
        }
        members[key] = Member(userID: userID, userInfo: userInfo, connections: 1)
        return true
    }

    /// Removes one socket of a user; returns the member when that was the user's last socket.
    package mutating func leave(userID: JSONValue) -> Member? {
        guard let key = Self.key(for: userID), var member = members[key] else { return nil }
        member.connections -= 1
        if member.connections > 0 {
            members[key] = member
            return nil
        }
        members.removeValue(forKey: key)
        return member
    }

    package var count: Int { members.count }

    /// The `data` of `subscription_succeeded`: `{"presence":{"count":…,"ids":[…],"hash":{…}}}`.
    package var subscriptionData: String {
        var ids: [JSONValue] = []
        var hash: [JSONMember] = []
        ids.reserveCapacity(members.count)
        hash.reserveCapacity(members.count)
        for (key, member) in members {
            ids.append(member.userID)
            hash.append(JSONMember(key, member.userInfo ?? .null))
        }
        let presence: JSONValue = .object([
            JSONMember("count", .number(String(members.count))),
            JSONMember("ids", .array(ids)),
            JSONMember("hash", .object(hash)),
        ])
        return JSONValue.object([JSONMember("presence", presence)]).jsonText
    }
}
