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
