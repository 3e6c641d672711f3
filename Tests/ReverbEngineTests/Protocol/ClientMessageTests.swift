import Testing
@testable import ReverbEngine

@Suite("Client message decoding")
struct ClientMessageTests {
    @Test func subscribe() throws {
        #expect(
            try ClientMessage.decode(
                #"{"event":"pusher:subscribe","data":{"channel":"private-a","auth":"k:s","channel_data":"{\"user_id\":1}"}}"#
            )
                == .subscribe(channel: "private-a", auth: "k:s", channelData: #"{"user_id":1}"#))
        // `data` may come as a JSON string (Reverb #352).
        #expect(
            try ClientMessage.decode(#"{"event":"pusher:subscribe","data":"{\"channel\":\"a\"}"}"#)
                == .subscribe(channel: "a", auth: nil, channelData: nil))
    }

    @Test func others() throws {
        #expect(try ClientMessage.decode(#"{"event":"pusher:ping","data":{}}"#) == .ping)
        #expect(try ClientMessage.decode(#"{"event":"pusher:pong"}"#) == .pong)
        #expect(
            try ClientMessage.decode(#"{"event":"pusher:unsubscribe","data":{"channel":"a"}}"#)
                == .unsubscribe(channel: "a"))
        #expect(
            try ClientMessage.decode(#"{"event":"client-typing","channel":"private-a","data":"{\"x\":1}"}"#)
                == .clientEvent(
                    event: "client-typing", channel: "private-a", data: .object([JSONMember("x", .number("1"))])))
        #expect(try ClientMessage.decode(#"{"event":"other","channel":"a"}"#) == .ignored(event: "other"))
    }

    @Test(
        "malformed messages are 4200",
        arguments: [
            "not json", "[]", #"{"data":{}}"#, #"{"event":1}"#, #"{"event":"pusher:subscribe","data":"not json"}"#,
            #"{"event":"pusher:subscribe","data":{"channel":["a"]}}"#,
            #"{"event":"pusher:subscribe","data":{"channel":null}}"#,
            #"{"event":"pusher:subscribe","data":{"channel":"a","auth":["x"]}}"#,
            #"{"event":"pusher:subscribe","data":{"channel":"a","channel_data":{"user_id":1}}}"#,
            #"{"event":"pusher:subscribe","data":{"channel":"a","channel_data":"not json"}}"#,
            #"{"event":"pusher:signin","data":{}}"#, #"{"event":"client-x","channel":["a"]}"#,
        ])
    func malformed(_ text: String) {
        #expect(throws: PusherError.invalidMessageFormat) { try ClientMessage.decode(text) }
    }
}

@Suite("Channel kinds")
struct ChannelKindTests {
    @Test func prefixes() {
        #expect(ChannelKind(channelName: "foo") == ChannelKind(access: .public))
        #expect(ChannelKind(channelName: "private-foo") == ChannelKind(access: .private))
        #expect(ChannelKind(channelName: "presence-foo") == ChannelKind(access: .presence))
        #expect(ChannelKind(channelName: "cache-foo") == ChannelKind(access: .public, isCache: true))
        #expect(ChannelKind(channelName: "private-cache-foo") == ChannelKind(access: .private, isCache: true))
        #expect(ChannelKind(channelName: "presence-cache-foo") == ChannelKind(access: .presence, isCache: true))
        #expect(ChannelKind(channelName: "private-encrypted-foo") == ChannelKind(access: .private, isEncrypted: true))
        #expect(
            ChannelKind(channelName: "private-encrypted-cache-foo")
                == ChannelKind(access: .private, isEncrypted: true, isCache: true))
        #expect(!ChannelKind(channelName: "foo").acceptsClientEvents)
        #expect(!ChannelKind(channelName: "private-encrypted-foo").acceptsClientEvents)
        #expect(ChannelKind(channelName: "presence-foo").acceptsClientEvents)
    }

    @Test func socketIDs() {
        #expect(SocketID.isValid(SocketID.random()))
        #expect(!SocketID.isValid("1.2.3"))
        #expect(!SocketID.isValid("a.1"))
    }
}
