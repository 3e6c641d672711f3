import NIOCore

/// Encodes every server-to-client Pusher message straight into a `ByteBuffer`, with Reverb's member order.
///
/// A broadcast is encoded once and the same buffer is written to every subscriber.
package enum ServerMessage {
    static let allocator = ByteBufferAllocator()

    /// `{"event":…,"data":"…","channel":…}`: `data` is a JSON string; empty `channel` is left out.
    package static func envelope(event: String, data: String?, channel: String?) -> ByteBuffer {
        var buffer = allocator.buffer(
            capacity: 48 + event.utf8.count + (data?.utf8.count ?? 0) + (channel?.utf8.count ?? 0))
        buffer.writeStaticString("{\"event\":")
        buffer.writeJSONString(event)
        if let data {
            buffer.writeStaticString(",\"data\":")
            buffer.writeJSONString(data)
        }
        if let channel, !channel.isEmpty {
            buffer.writeStaticString(",\"channel\":")
            buffer.writeJSONString(channel)
        }
        buffer.writeStaticString("}")
        return buffer
    }

    package static func connectionEstablished(socketID: String, activityTimeout: Int) -> ByteBuffer {
        // Socket ids are digits and a dot, which need escaping at neither level: the bytes `envelope` would give,
        // written straight (every connection sends this).
        if socketID.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == UInt8(ascii: ".") }) {
            var buffer = allocator.buffer(capacity: 112)
            buffer.writeStaticString(#"{"event":"pusher:connection_established","data":"{\"socket_id\":\""#)
            buffer.writeString(socketID)
            buffer.writeStaticString(#"\",\"activity_timeout\":"#)
            buffer.writeString(String(activityTimeout))
            buffer.writeStaticString(#"}"}"#)
            return buffer
        }
        return envelope(
            event: "pusher:connection_established",
            data: "{\"socket_id\":\(socketID.jsonQuoted),\"activity_timeout\":\(activityTimeout)}",
            channel: nil)
    }

    /// `pusher_internal:subscription_succeeded`, with the encoded roster for presence channels.
    package static func subscriptionSucceeded(channel: String, presence: PresenceRoster.Encoding? = nil) -> ByteBuffer {
        guard let presence else {
            return envelope(event: "pusher_internal:subscription_succeeded", data: "{}", channel: channel)
        }
        // The roster keeps its members escaped for this string, so the reply is byte copies: the same bytes
        // `envelope` would write for the data `{"presence":{"count":…,"ids":[…],"hash":{…}}}`.
        var buffer = allocator.buffer(
            capacity: 128 + presence.ids.utf8.count + presence.hash.utf8.count + channel.utf8.count)
        buffer.writeStaticString(
            #"{"event":"pusher_internal:subscription_succeeded","data":"{\"presence\":{\"count\":"#)
        buffer.writeString(String(presence.count))
        buffer.writeStaticString(#",\"ids\":["#)
        buffer.writeString(presence.ids)
        buffer.writeStaticString(#"],\"hash\":{"#)
        buffer.writeString(presence.hash)
        buffer.writeStaticString(#"}}}""#)
        if !channel.isEmpty {
            buffer.writeStaticString(",\"channel\":")
            buffer.writeJSONString(channel)
        }
        buffer.writeStaticString("}")
        return buffer
    }

    /// `pusher_internal:subscription_succeeded` with the members of `presence`.
    package static func subscriptionSucceeded(channel: String, presence roster: PresenceRoster?) -> ByteBuffer {
        subscriptionSucceeded(channel: channel, presence: roster?.encoding)
    }

    /// `pusher_internal:member_added` carrying the joining member's whole `channel_data`.
    package static func memberAdded(channel: String, channelData: JSONValue) -> ByteBuffer {
        envelope(event: "pusher_internal:member_added", data: channelData.jsonText, channel: channel)
    }

    package static func memberRemoved(channel: String, userID: JSONValue) -> ByteBuffer {
        envelope(event: "pusher_internal:member_removed", data: "{\"user_id\":\(userID.jsonText)}", channel: channel)
    }

    package static func cacheMiss(channel: String) -> ByteBuffer {
        envelope(event: "pusher:cache_miss", data: nil, channel: channel)
    }

    package static let pong = envelope(event: "pusher:pong", data: nil, channel: nil)
    package static let ping = envelope(event: "pusher:ping", data: nil, channel: nil)

    package static func error(_ error: PusherError) -> ByteBuffer {
        envelope(
            event: "pusher:error", data: "{\"code\":\(error.code),\"message\":\(error.message.jsonQuoted)}",
            channel: nil)
    }

    /// An event from the HTTP API or the console: `data` is passed through as the string the caller gave.
    package static func event(name: String, data: String, channel: String) -> ByteBuffer {
        envelope(event: name, data: data, channel: channel)
    }

    /// A `batch_events` item: Reverb orders it `event, channel, data`.
    package static func batchEvent(name: String, data: String, channel: String) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 48 + name.utf8.count + data.utf8.count + channel.utf8.count)
        buffer.writeStaticString("{\"event\":")
        buffer.writeJSONString(name)
        buffer.writeStaticString(",\"channel\":")
        buffer.writeJSONString(channel)
        buffer.writeStaticString(",\"data\":")
        buffer.writeJSONString(data)
        buffer.writeStaticString("}")
        return buffer
    }

    /// A relayed client event: `data` stays a JSON value (not a string); `user_id` is the sender's presence id.
    package static func clientEvent(name: String, channel: String, data: JSONValue?, userID: JSONValue?) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        buffer.writeStaticString("{\"event\":")
        buffer.writeJSONString(name)
        buffer.writeStaticString(",\"channel\":")
        buffer.writeJSONString(channel)
        buffer.writeStaticString(",\"data\":")
        buffer.writeJSON(data ?? .null)
        if let userID {
            buffer.writeStaticString(",\"user_id\":")
            buffer.writeJSON(userID)
        }
        buffer.writeStaticString("}")
        return buffer
    }
}
