import NIOCore
import OrderedCollections

/// The users on one presence channel, in join order, each counted once however many sockets they use.
///
/// Every joiner receives the whole member list, so the roster keeps it ready to send: each member is encoded once,
/// when it joins, already escaped for the `data` string of `subscription_succeeded`, and appended to the cached
/// `ids` and `hash` texts; a departure marks them stale and the next join rebuilds them from the members' stored
/// texts (a copy, no encoding). A burst of joins therefore encodes each member once instead of once per later
/// joiner, and a reply is a few byte copies.
package struct PresenceRoster: Sendable {
    /// One user: the id as the client sent it (number or string), the info, and how many sockets hold it.
    package struct Member: Sendable, Hashable {
        package var userID: JSONValue
        package var userInfo: JSONValue?
        package var connections: Int
        /// `userID` as JSON, escaped for a JSON string: as it appears in the `ids` of the sent `data`.
        var escapedID: String
        /// `"key":info`, escaped for a JSON string: as it appears in the `hash` of the sent `data`.
        var escapedEntry: String

        init(key: String, userID: JSONValue, userInfo: JSONValue?) {
            self.userID = userID
            self.userInfo = userInfo
            self.connections = 1
            // Through the same writers as a whole message, so the bytes are exactly what encoding it all would give.
            escapedID = Self.escaped(userID.jsonText)
            escapedEntry = Self.escaped(
                String(JSONValue.object([JSONMember(key, userInfo ?? .null)]).jsonText.dropFirst().dropLast()))
        }

        private static func escaped(_ text: String) -> String {
            var buffer = ByteBuffer()
            buffer.writeJSONStringContents(text)
            return String(buffer: buffer)
        }
    }

    /// The member list as `subscription_succeeded` sends it: what a subscription takes out of the registry lock
    /// instead of the roster (holding a copy of the roster would make the next join copy every member).
    package struct Encoding: Sendable {
        package internal(set) var count = 0
        /// The members' ids joined by commas, without the brackets, escaped for a JSON string.
        var ids = ""
        /// The members' `"key":info` joined by commas, without the braces, escaped for a JSON string.
        var hash = ""
    }

    package private(set) var members: OrderedDictionary<String, Member> = [:]
    /// The encoded member list; nil after a departure until the next join rebuilds it.
    private var cached: Encoding? = Encoding()

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
        var encoding = cached ?? rebuilt()
        // Free the cache's storage while appending, so the strings grow in place.
        cached = nil
        defer { cached = encoding }
        if let index = members.index(forKey: key) {
            members.values[index].connections += 1
            return false
        }
        let member = Member(key: key, userID: userID, userInfo: userInfo)
        members[key] = member
        if encoding.count > 0 {
            encoding.ids.append(",")
            encoding.hash.append(",")
        }
        encoding.ids.append(member.escapedID)
        encoding.hash.append(member.escapedEntry)
        encoding.count += 1
        return true
    }

    /// Removes one socket of a user; returns the member when that was the user's last socket.
    package mutating func leave(userID: JSONValue) -> Member? {
        guard let key = Self.key(for: userID), let index = members.index(forKey: key) else { return nil }
        members.values[index].connections -= 1
        if members.values[index].connections > 0 { return nil }
        cached = nil
        return members.remove(at: index).value
    }

    package var count: Int { members.count }

    /// The member list encoded for `subscription_succeeded`.
    package var encoding: Encoding { cached ?? rebuilt() }

    /// The `data` of `subscription_succeeded`, `{"presence":{"count":…,"ids":[…],"hash":{…}}}`, encoded from
    /// the members (the sent message uses `encoding`; this is its reference).
    package var subscriptionData: String {
        let presence: JSONValue = .object([
            JSONMember("count", .number(String(members.count))),
            JSONMember("ids", .array(members.values.map(\.userID))),
            JSONMember("hash", .object(members.map { JSONMember($0.key, $0.value.userInfo ?? .null) })),
        ])
        return JSONValue.object([JSONMember("presence", presence)]).jsonText
    }

    /// The encoding from the members' stored texts, after a departure.
    private func rebuilt() -> Encoding {
        var encoding = Encoding()
        encoding.count = members.count
        encoding.ids = members.values.lazy.map(\.escapedID).joined(separator: ",")
        encoding.hash = members.values.lazy.map(\.escapedEntry).joined(separator: ",")
        return encoding
    }
}
