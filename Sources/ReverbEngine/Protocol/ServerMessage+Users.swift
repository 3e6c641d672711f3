import NIOCore

extension ServerMessage {
    /// `pusher:signin_success`, echoing the `user_data` string the client signed in with.
    static func signinSuccess(userData: String) -> ByteBuffer {
        envelope(event: "pusher:signin_success", data: "{\"user_data\":\(userData.jsonQuoted)}", channel: nil)
    }

    /// `pusher_internal:watchlist_events` with one event: `online` or `offline` for `userIDs`.
    static func watchlistEvents(name: String, userIDs: [String]) -> ByteBuffer {
        let event = JSONValue.object([
            JSONMember("name", .string(name)), JSONMember("user_ids", .array(userIDs.map(JSONValue.string))),
        ])
        let data = JSONValue.object([JSONMember("events", .array([event]))])
        return envelope(event: "pusher_internal:watchlist_events", data: data.jsonText, channel: nil)
    }

    /// `pusher_internal:subscription_count` for a non-presence channel.
    static func subscriptionCount(channel: String, count: Int) -> ByteBuffer {
        envelope(
            event: "pusher_internal:subscription_count", data: "{\"subscription_count\":\(count)}", channel: channel)
    }
}
