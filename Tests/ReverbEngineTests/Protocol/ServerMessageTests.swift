import NIOCore
import Testing
@testable import ReverbEngine

/// Byte-exact against the wire examples of PROTOCOL.md B §3.5.
@Suite("Server messages")
struct ServerMessageTests {
    func text(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

    @Test func connectionEstablished() {
        #expect(
            text(ServerMessage.connectionEstablished(socketID: "870132037.115391333", activityTimeout: 30))
                == #"{"event":"pusher:connection_established","data":"{\"socket_id\":\"870132037.115391333\",\"activity_timeout\":30}"}"#
        )
    }

    @Test func subscriptionSucceeded() {
        #expect(
            text(ServerMessage.subscriptionSucceeded(channel: "test-channel"))
                == #"{"event":"pusher_internal:subscription_succeeded","data":"{}","channel":"test-channel"}"#)
        #expect(
            text(ServerMessage.subscriptionSucceeded(channel: ""))
                == #"{"event":"pusher_internal:subscription_succeeded","data":"{}"}"#)
    }

    @Test func presenceSubscriptionSucceeded() throws {
        var roster = PresenceRoster()
        _ = roster.join(userID: .number("1"), userInfo: try JSONParser.parse(#"{"name":"Test User"}"#))
        #expect(
            text(ServerMessage.subscriptionSucceeded(channel: "presence-test-channel", presence: roster))
                == #"{"event":"pusher_internal:subscription_succeeded","data":"{\"presence\":{\"count\":1,\"ids\":[1],\"hash\":{\"1\":{\"name\":\"Test User\"}}}}","channel":"presence-test-channel"}"#
        )
    }

    @Test func members() throws {
        let data = try JSONParser.parse(#"{"user_id":2,"user_info":{"name":"Test User 2"}}"#)
        #expect(
            text(ServerMessage.memberAdded(channel: "presence-test-channel", channelData: data))
                == #"{"event":"pusher_internal:member_added","data":"{\"user_id\":2,\"user_info\":{\"name\":\"Test User 2\"}}","channel":"presence-test-channel"}"#
        )
        #expect(
            text(ServerMessage.memberRemoved(channel: "presence-test-channel", userID: .number("3")))
                == #"{"event":"pusher_internal:member_removed","data":"{\"user_id\":3}","channel":"presence-test-channel"}"#
        )
    }

    @Test func smallMessages() {
        #expect(
            text(ServerMessage.cacheMiss(channel: "cache-test-channel"))
                == #"{"event":"pusher:cache_miss","channel":"cache-test-channel"}"#)
        #expect(text(ServerMessage.pong) == #"{"event":"pusher:pong"}"#)
        #expect(text(ServerMessage.ping) == #"{"event":"pusher:ping"}"#)
        #expect(
            text(ServerMessage.error(.unauthorized))
                == #"{"event":"pusher:error","data":"{\"code\":4009,\"message\":\"Connection is unauthorized\"}"}"#)
    }

    @Test func events() throws {
        #expect(
            text(ServerMessage.event(name: "NewEvent", data: #"{"some":"data"}"#, channel: "test-channel"))
                == #"{"event":"NewEvent","data":"{\"some\":\"data\"}","channel":"test-channel"}"#)
        #expect(
            text(ServerMessage.batchEvent(name: "NewEvent", data: #"{"some":"data"}"#, channel: "test-channel"))
                == #"{"event":"NewEvent","channel":"test-channel","data":"{\"some\":\"data\"}"}"#)
        let data = try JSONParser.parse(#"{"id":123,"name":"Joe Dixon"}"#)
        #expect(
            text(
                ServerMessage.clientEvent(name: "client-start-typing", channel: "test-channel", data: data, userID: nil)
            )
                == #"{"event":"client-start-typing","channel":"test-channel","data":{"id":123,"name":"Joe Dixon"}}"#)
        #expect(
            text(ServerMessage.clientEvent(name: "client-x", channel: "presence-a", data: nil, userID: .string("7")))
                == #"{"event":"client-x","channel":"presence-a","data":null,"user_id":"7"}"#)
    }
}

@Suite("Broadcast frames")
struct BroadcastFrameTests {
    @Test(
        "text frame headers for the three length forms",
        arguments: [
            (5, [0x81, 5]), (300, [0x81, 126, 0x01, 0x2C]), (70_000, [0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70]),
        ])
    func header(length: Int, header: [UInt8]) {
        let frame = OutboundFrame.text(ByteBuffer(repeating: UInt8(ascii: "a"), count: length))
        #expect(Array(frame.readableBytesView.prefix(header.count)) == header)
        #expect(frame.readableBytes == header.count + length)
    }
}
