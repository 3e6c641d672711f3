import NIOCore
import OrderedCollections
import Testing
@testable import ReverbEngine

@Suite("Presence roster")
struct PresenceRosterTests {
    @Test("the first socket of a user adds it, the last removes it; 1 and \"1\" are one user")
    func perUserSemantics() {
        var roster = PresenceRoster()
        let firstJoin = roster.join(userID: .number("1"), userInfo: nil)
        let secondTab = roster.join(userID: .string("1"), userInfo: nil)
        let zeroJoin = roster.join(userID: .number("0"), userInfo: .object([]))
        #expect(firstJoin && !secondTab && zeroJoin)
        #expect(roster.count == 2)
        let firstLeave = roster.leave(userID: .number("1"))
        let lastLeave = roster.leave(userID: .number("1"))
        let zeroLeave = roster.leave(userID: .number("0"))
        #expect(firstLeave == nil)
        #expect(lastLeave?.userID == .number("1"))
        #expect(zeroLeave != nil, "user id 0 is an ordinary id")
        #expect(roster.count == 0)
    }

    @Test("subscription data: ids keep their JSON type, hash is always an object, missing info is null")
    func subscriptionData() {
        var roster = PresenceRoster()
        _ = roster.join(userID: .number("0"), userInfo: .object([JSONMember("name", .string("Zero"))]))
        _ = roster.join(userID: .string("abc"), userInfo: nil)
        #expect(
            roster.subscriptionData
                == #"{"presence":{"count":2,"ids":[0,"abc"],"hash":{"0":{"name":"Zero"},"abc":null}}}"#)
        #expect(PresenceRoster().subscriptionData == #"{"presence":{"count":0,"ids":[],"hash":{}}}"#)
    }
}

/// The roster's cached, pre-escaped member list against encoding the whole message from scratch.
@Suite("Presence roster encoding")
struct PresenceRosterEncodingTests {
    /// The reply as `subscription_succeeded` sends it, from the cached encoding.
    static func reply(_ encoding: PresenceRoster.Encoding, channel: String = "presence-room") -> String {
        String(buffer: ServerMessage.subscriptionSucceeded(channel: channel, presence: encoding))
    }

    /// What it must be: the whole member list encoded from its values, then escaped into the envelope.
    static func reference(_ roster: PresenceRoster, channel: String = "presence-room") -> String {
        let members = roster.members
        let presence: JSONValue = .object([
            JSONMember("count", .number(String(members.count))),
            JSONMember("ids", .array(members.values.map(\.userID))),
            JSONMember("hash", .object(members.map { JSONMember($0.key, $0.value.userInfo ?? .null) })),
        ])
        let data = JSONValue.object([JSONMember("presence", presence)]).jsonText
        return String(
            buffer: ServerMessage.envelope(
                event: "pusher_internal:subscription_succeeded", data: data, channel: channel))
    }

    @Test("joins, second sockets, leaves and rejoins in any order send what encoding the whole list would")
    func matchesFullEncoding() throws {
        var roster = PresenceRoster()
        var generator = SystemRandomNumberGenerator()
        let infos: [JSONValue?] = [
            nil, .object([]), try JSONParser.parse(#"{"name":"Zoë \"Z\" \\ </b>","tags":[1,2.50,true,null],"n":1e3}"#),
            .string("plain\ttab"),
        ]
        #expect(Self.reply(roster.encoding) == Self.reference(roster))
        for step in 0..<1_500 {
            let user = Int.random(in: 0..<40, using: &generator)
            let id: JSONValue = user % 3 == 0 ? .number(String(user)) : .string("user-\(user)/\"é")
            if Bool.random(using: &generator) {
                _ = roster.join(userID: id, userInfo: infos[user % infos.count])
            } else {
                _ = roster.leave(userID: id)
            }
            #expect(Self.reply(roster.encoding) == Self.reference(roster), "after step \(step)")
            #expect(roster.encoding.count == roster.count)
        }
        #expect(Self.reply(roster.encoding, channel: "") == Self.reference(roster, channel: ""))
    }

    @Test("an encoding taken for a reply keeps its list while the roster changes")
    func encodingIsAValue() {
        var roster = PresenceRoster()
        _ = roster.join(userID: .string("a"), userInfo: nil)
        let taken = roster.encoding
        let expected = Self.reference(roster)
        _ = roster.join(userID: .string("b"), userInfo: nil)
        _ = roster.leave(userID: .string("a"))
        #expect(Self.reply(taken) == expected)
        #expect(roster.subscriptionData == #"{"presence":{"count":1,"ids":["b"],"hash":{"b":null}}}"#)
    }
}
