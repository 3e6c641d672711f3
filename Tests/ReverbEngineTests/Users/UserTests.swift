import Foundation
import NIOCore
import NIOEmbedded
import Testing
@testable import ReverbEngine

@Suite("Users: sign-in signatures, user data, the directory, subscription counts")
struct UserTests {
    @Test("the sign-in signature is HMAC-SHA256 of socket_id::user::user_data, with the app key in front")
    func signature() {
        let userData = #"{"id": "1", "user_info": {"name": "Ann"}}"#
        let expected = HMACSigner.hexSignature(of: "123.456::user::\(userData)", secret: "secret")
        #expect(UserAuthenticator.signature(secret: "secret", socketID: "123.456", userData: userData) == expected)
        #expect(
            UserAuthenticator.isAuthentic(
                auth: "key:\(expected)", key: "key", secret: "secret", socketID: "123.456", userData: userData))
        #expect(
            !UserAuthenticator.isAuthentic(
                auth: "other:\(expected)", key: "key", secret: "secret", socketID: "123.456", userData: userData))
        #expect(
            !UserAuthenticator.isAuthentic(
                auth: "key:\(expected)", key: "key", secret: "secret", socketID: "123.457", userData: userData))
        #expect(
            !UserAuthenticator.isAuthentic(
                auth: expected, key: "key", secret: "secret", socketID: "123.456", userData: userData))
    }

    @Test("user_data: a string id is required; watchlist ids; at most 100 watched")
    func userData() throws {
        let user = try UserData(parsing: #"{"id":"7","user_info":{"n":1},"watchlist":["1","2",3]}"#)
        #expect(user.id == "7" && user.watchlist == ["1", "2", "3"] && user.userInfo != nil)
        #expect(throws: PusherError.self) { try UserData(parsing: #"{"id":7}"#) }
        #expect(throws: PusherError.self) { try UserData(parsing: #"{"id":""}"#) }
        #expect(throws: PusherError.self) { try UserData(parsing: "[]") }
        #expect(throws: PusherError.self) { try UserData(parsing: #"{"id":"1","watchlist":"2"}"#) }
        let hundred = (1...100).map { "\"\($0)\"" }.joined(separator: ",")
        #expect(try UserData(parsing: #"{"id":"1","watchlist":[\#(hundred)]}"#).watchlist.count == 100)
        #expect(throws: PusherError.watchlistTooLong) {
            try UserData(parsing: #"{"id":"1","watchlist":[\#(hundred),"101"]}"#)
        }
    }

    @Test("pusher:signin decodes; without auth or user_data it is 4200")
    func decode() throws {
        #expect(
            try ClientMessage.decode(#"{"event":"pusher:signin","data":{"auth":"k:s","user_data":"{\"id\":\"1\"}"}}"#)
                == .signin(auth: "k:s", userData: #"{"id":"1"}"#))
        #expect(throws: PusherError.invalidMessageFormat) {
            try ClientMessage.decode(#"{"event":"pusher:signin","data":{"auth":"k:s"}}"#)
        }
    }

    @Test("a user is online while any socket is signed in; watchers hear the first and the last")
    func directory() {
        let app = Application(id: "1", key: "k", secret: "s")
        func handle(_ id: String) -> ConnectionHandle { .embedded(socketID: id, app: app) }
        let (watcher, aliceTab1, aliceTab2) = (handle("1.1"), handle("2.2"), handle("3.3"))
        var directory = UserDirectory()
        let watching = directory.signIn(watcher, userID: "bob", watchlist: ["alice", "carol", "alice"])
        #expect(watching.onlineWatched.isEmpty && watching.watchersToTell.isEmpty)

        let first = directory.signIn(aliceTab1, userID: "alice", watchlist: ["bob"])
        #expect(first.watchersToTell.map(\.socketID) == ["1.1"])
        #expect(first.onlineWatched == ["bob"])
        let second = directory.signIn(aliceTab2, userID: "alice", watchlist: [])
        #expect(second.watchersToTell.isEmpty, "already online")
        #expect(directory.handles(ofUser: "alice").map(\.socketID) == ["2.2", "3.3"])
        #expect(directory.userID(ofSocket: "3.3") == "alice")

        let leaveOne = directory.signOut(socketID: "2.2")
        #expect(leaveOne?.wentOffline == false)
        let leaveLast = directory.signOut(socketID: "3.3")
        #expect(leaveLast?.wentOffline == true && leaveLast?.watchersToTell.map(\.socketID) == ["1.1"])
        #expect(directory.signOut(socketID: "3.3") == nil)

        // Signing in again as someone else replaces the identity.
        let again = directory.signIn(watcher, userID: "dave", watchlist: [])
        #expect(again.replaced?.userID == "bob" && again.replaced?.wentOffline == true)
        #expect(directory.handles(ofUser: "bob").isEmpty && directory.signedInCount == 1)
    }

    @Test("subscription counts: every change, then at most every 5 s above 100 with a trailing flush")
    func subscriptionCounts() {
        let t0 = ContinuousClock.now
        var throttle = SubscriptionCountThrottle()
        #expect(throttle.changed(channel: "c", count: 1, now: t0) == .send(1))
        #expect(throttle.changed(channel: "c", count: 1, now: t0) == .none)
        #expect(throttle.changed(channel: "c", count: 100, now: t0) == .send(100))
        // Above 100, at most one update per 5 s; the changes in between become one trailing update.
        #expect(throttle.changed(channel: "c", count: 101, now: t0 + .seconds(1)) == .flushAfter(.seconds(4)))
        #expect(throttle.changed(channel: "c", count: 102, now: t0 + .seconds(2)) == .none)
        #expect(throttle.flush(channel: "c", count: 102, now: t0 + .seconds(5)) == 102)
        #expect(throttle.changed(channel: "c", count: 103, now: t0 + .seconds(6)) == .flushAfter(.seconds(4)))
        #expect(throttle.changed(channel: "c", count: 102, now: t0 + .seconds(7)) == .none)
        #expect(throttle.flush(channel: "c", count: 102, now: t0 + .seconds(10)) == nil, "back to what was sent")
        #expect(throttle.changed(channel: "c", count: 104, now: t0 + .seconds(20)) == .send(104))
        #expect(throttle.changed(channel: "c", count: 50, now: t0 + .seconds(21)) == .send(50))
        #expect(throttle.changed(channel: "c", count: 0, now: t0 + .seconds(22)) == .none)
        #expect(throttle.flush(channel: "c", count: 0, now: t0 + .seconds(15)) == nil)
    }
}
