import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import ReverbEngine

@Suite("Close frames as RFC 6455 wants them")
struct CloseFrameCheckTests {
    private func reply(_ bytes: [UInt8]) -> (code: Int, reason: String) {
        CloseFrameCheck.reply(to: ByteBuffer(bytes: bytes))
    }

    @Test(
        "codes a peer may not send are answered with 1002",
        arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535])
    func invalidCodes(code: Int) {
        #expect(reply([UInt8(code >> 8), UInt8(code & 0xFF)]).code == 1002)
    }

    @Test("valid codes are echoed", arguments: [1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999])
    func validCodes(code: Int) {
        #expect(reply([UInt8(code >> 8), UInt8(code & 0xFF), UInt8(ascii: "x")]).code == code)
    }

    @Test("empty payload is a normal close; one byte is a protocol error; a bad reason is 1007")
    func payloadShapes() {
        #expect(reply([]).code == 1000)
        #expect(reply([0x03]).code == 1002)
        #expect(reply([0x03, 0xE8, 0xFF, 0xFE]).code == 1007)
    }
}

@Suite("Outbound frames")
struct OutboundFrameTests {
    @Test("a close reason is cut to fit a control frame without splitting a character")
    func closeReasonFits() {
        let frame = OutboundFrame.close(code: 4009, reason: String(repeating: "é", count: 100))
        let bytes = Array(frame.readableBytesView)
        #expect(bytes[0] == 0x88)
        #expect(Int(bytes[1]) <= 125)
        #expect(Int(bytes[1]) == bytes.count - 2)
        #expect(String(validating: bytes[4...], as: UTF8.self) != nil)
    }

    @Test("control frames carry FIN and their opcode")
    func controlFrames() {
        #expect(Array(OutboundFrame.ping().readableBytesView) == [0x89, 0])
        #expect(Array(OutboundFrame.pong(ByteBuffer(string: "hi")).readableBytesView) == [0x8A, 2, 0x68, 0x69])
    }
}

@Suite("WebSocket handshake rules")
struct HandshakeCheckTests {
    private func head(
        method: HTTPMethod = .GET, version: HTTPVersion = .http1_1, key: String? = "dGhlIHNhbXBsZSBub25jZQ=="
    ) -> HTTPRequestHead {
        var headers = HTTPHeaders([("Upgrade", "websocket"), ("Connection", "Upgrade")])
        if let key { headers.add(name: "Sec-WebSocket-Key", value: key) }
        return HTTPRequestHead(version: version, method: method, uri: "/app/k", headers: headers)
    }

    @Test("a GET over HTTP/1.1 with a 16-byte key passes")
    func valid() { #expect(HandshakeCheck.refusal(for: head()) == nil) }

    @Test("other methods, HTTP/1.0 and bad keys are refused")
    func refused() {
        #expect(HandshakeCheck.refusal(for: head(method: .POST))?.status == .methodNotAllowed)
        #expect(HandshakeCheck.refusal(for: head(version: .http1_0))?.status == .httpVersionNotSupported)
        #expect(HandshakeCheck.refusal(for: head(key: "c2hvcnQ="))?.status == .badRequest)
        #expect(HandshakeCheck.refusal(for: head(key: "!!!!!!!!!!!!!!!!!!!!!!=="))?.status == .badRequest)
        #expect(HandshakeCheck.refusal(for: head(key: nil))?.status == .badRequest)
    }
}

@Suite("Channel names")
struct ChannelNameTests {
    @Test(
        "Pusher's alphabet and length",
        arguments: [
            ("a", true), (String(repeating: "a", count: 164), true), (String(repeating: "a", count: 165), false),
            ("", false), ("-_=@,.;AZaz09", true), ("private-x", true), ("presence-room.1", true),
            ("a b", false), ("a\nb", false), ("a\u{1B}[2J", false), ("ü", false), ("a/b", false),
            ("#server-to-user-42", true), ("#server-to-user-", false), ("#other", false),
        ])
    func names(name: String, valid: Bool) {
        #expect(ChannelName.isValid(name) == valid)
    }
}

@Suite("Subscription rules")
struct SubscriptionRulesTests {
    @Test("presence channel_data must name a user and keep user_info under 1 KB")
    func presence() throws {
        #expect(throws: PusherError.presenceDataWithoutUser) {
            try SubscriptionRules.presenceMember(channelData: nil)
        }
        #expect(throws: PusherError.presenceDataWithoutUser) {
            try SubscriptionRules.presenceMember(channelData: #"{"user_info":{}}"#)
        }
        #expect(throws: PusherError.presenceDataWithoutUser) {
            try SubscriptionRules.presenceMember(channelData: #"{"user_id":null}"#)
        }
        let big = #"{"user_id":1,"user_info":{"a":""# + String(repeating: "x", count: 1100) + #""}}"#
        #expect(throws: PusherError.userInfoTooLarge) { try SubscriptionRules.presenceMember(channelData: big) }
        let member = try SubscriptionRules.presenceMember(channelData: #"{"user_id":0,"user_info":{"n":1}}"#)
        #expect(member.userID == .number("0"))
    }
}

@Suite("Rate limiter verdicts")
struct RateLimiterVerdictTests {
    @Test("one refusal is reported per window, the rest are silent")
    func oneRefusalPerWindow() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var limiter = RateLimiter(limit: .init(maxAttempts: 2, decaySeconds: 1))
        let verdicts = [0, 1, 2, 3, 4, 1000, 1001, 1002, 1003].map { limiter.check(now: start + .milliseconds($0)) }
        #expect(
            verdicts == [
                .allowed, .allowed, .refused, .refusedSilently, .refusedSilently, .allowed, .allowed, .refused,
                .refusedSilently,
            ])
    }
}

@Suite("Request targets")
struct RequestTargetTests {
    @Test(
        "absolute-form targets become origin-form",
        arguments: [
            ("/up", "/up"), ("http://127.0.0.1:8080/up", "/up"), ("HTTPS://h/apps/1/events?a=1", "/apps/1/events?a=1"),
            ("http://h", "/"), ("http://h?x=1", "/?x=1"), ("example.com:443", "example.com:443"),
        ])
    func originForm(target: String, expected: String) {
        #expect(HTTPRequest.originForm(target) == expected)
    }
}

@Suite("--debug message dump")
struct DebugDumpTests {
    @Test("pretty-printed on several lines with data and channel_data decoded")
    func pretty() {
        let text =
            #"{"event":"pusher:subscribe","data":"{\"channel\":\"presence-a\",\"channel_data\":\"{\\\"user_id\\\":1}\"}"}"#
        let lines = DebugDump.lines(text)
        #expect(lines.first == "   1▕ {")
        #expect(lines.contains(#"   2▕     "event": "pusher:subscribe","#))
        #expect(lines.contains(#"   4▕         "channel": "presence-a","#))
        #expect(lines.contains("   5▕         \"channel_data\": {"))
    }

    @Test("control characters never reach the terminal")
    func escapes() {
        let lines = DebugDump.lines("not json \u{1B}[2J\u{9B}")
        #expect(!lines.joined().contains("\u{1B}"))
        #expect(!lines.joined().contains("\u{9B}"))
        let event = EngineEvent(kind: .subscribed, appID: "1", socketID: "1.2", channel: "a\nforged\u{1B}[2J")
        let printed = TrafficLog.lines(for: event)
        #expect(!printed.contains("\u{1B}"))
        #expect(!printed.contains("\nforged"))
    }
}
