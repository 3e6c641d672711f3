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
