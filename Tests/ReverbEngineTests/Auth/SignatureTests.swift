import Foundation
import Testing
@testable import ReverbEngine

/// Vectors from Pusher's documentation (private channel, HTTP API) and from Python's hmac (presence).
@Suite("Signatures")
struct SignatureTests {
    let app = Application(id: "3", key: "278d425bdf160c739803", secret: "7ad3773142a6692b25b8")

    @Test func privateChannel() {
        #expect(
            ChannelAuthorizer.signature(
                secret: app.secret, socketID: "1234.1234", channel: "private-foobar", channelData: nil)
                == "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4")
        #expect(
            ChannelAuthorizer.isAuthorized(
                auth: "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4",
                secret: app.secret, socketID: "1234.1234", channel: "private-foobar", channelData: nil))
        #expect(
            !ChannelAuthorizer.isAuthorized(
                auth: "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a5",
                secret: app.secret, socketID: "1234.1234", channel: "private-foobar", channelData: nil))
        #expect(
            !ChannelAuthorizer.isAuthorized(
                auth: nil, secret: app.secret, socketID: "1.1", channel: "private-a", channelData: nil))
    }

    @Test func presenceChannel() {
        #expect(
            ChannelAuthorizer.signature(
                secret: app.secret, socketID: "1234.1234", channel: "presence-foobar",
                channelData: #"{"user_id":10,"user_info":{"name":"Mr. Channels"}}"#)
                == "31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80")
    }

    let body = #"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#
    var query: [(name: String, value: String)] {
        [
            ("auth_key", app.key), ("auth_timestamp", "1353088179"), ("auth_version", "1.0"),
            ("body_md5", "ec365a775a4cd0599faeb73354201b6f"),
            ("auth_signature", "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"),
        ]
    }
    let then = Date(timeIntervalSince1970: 1_353_088_179)

    @Test func apiRequest() throws {
        #expect(APISignature.md5Hex(Array(body.utf8)) == "ec365a775a4cd0599faeb73354201b6f")
        try APISignature.verify(
            method: "POST", path: "/apps/3/events", query: query, body: Array(body.utf8), app: app,
            timestampWindow: 600, now: then)
    }

    @Test func apiFailuresSayWhichCheckFailed() {
        #expect(throws: APISignature.Failure.staleTimestamp(offsetSeconds: 601, window: 600)) {
            try APISignature.verify(
                method: "POST", path: "/apps/3/events", query: query, body: Array(body.utf8), app: app,
                timestampWindow: 600, now: then.addingTimeInterval(601))
        }
        #expect(throws: APISignature.Failure.bodyMD5Mismatch) {
            try APISignature.verify(
                method: "POST", path: "/apps/3/events", query: query, body: Array("{}".utf8), app: app,
                timestampWindow: 0, now: then)
        }
        #expect(throws: APISignature.Failure.signatureMismatch) {
            try APISignature.verify(
                method: "POST", path: "/apps/4/events", query: query, body: Array(body.utf8), app: app,
                timestampWindow: 0, now: then)
        }
        var other = app
        other.key = "another-key"
        #expect(throws: APISignature.Failure.wrongKey) {
            try APISignature.verify(
                method: "POST", path: "/apps/3/events", query: query, body: Array(body.utf8), app: other,
                timestampWindow: 0, now: then)
        }
        #expect(throws: APISignature.Failure.missing("auth_signature")) {
            try APISignature.verify(
                method: "POST", path: "/apps/3/events", query: Array(query.dropLast()), body: Array(body.utf8),
                app: app, timestampWindow: 0, now: then)
        }
        #expect(throws: APISignature.Failure.bodyMD5Missing) {
            try APISignature.verify(
                method: "POST", path: "/apps/3/events", query: query.filter { $0.name != "body_md5" },
                body: Array(body.utf8), app: app, timestampWindow: 0, now: then)
        }
    }
}
