import Foundation
import ReverbEngine

extension DetailContent {
    /// One stream row: its fields, the payload pretty-printed, and Pusher's double-encoded `data` decoded.
    public static func event(_ event: EngineEvent) -> DetailContent {
        var lines = [
            "type      \(event.kind.rawValue)",
            "time      \(event.time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))",
            "app       \(event.appID)",
        ]
        if let socketID = event.socketID { lines.append("socket    \(socketID)") }
        if let channel = event.channel { lines.append("channel   \(channel)") }
        if let name = event.event { lines.append("event     \(name)") }
        if let code = event.code { lines.append("code      \(code)") }
        if let detail = event.detail { lines.append("details   \(detail)") }
        if let payload = event.payload {
            lines.append("")
            lines.append("payload")
            lines.append(contentsOf: JSONText.prettyLines(payload).map { "  " + $0 })
            if let data = JSONText.embeddedData(in: payload) {
                lines.append("")
                lines.append("data (decoded)")
                lines.append(contentsOf: JSONText.prettyLines(data).map { "  " + $0 })
            }
        }
        return DetailContent(title: "\(event.kind.rawValue) \(event.event ?? "")", lines: lines)
    }

    /// One connection: identity, timing, traffic and its channels.
    public static func connection(_ connection: ConnectionSnapshot, now: Date) -> DetailContent {
        var lines = [
            "socket    \(connection.socketID)",
            "app       \(connection.appID)",
            "origin    \(connection.origin ?? "-")",
            "connected \(DisplayFormat.duration(now.timeIntervalSince(connection.connectedAt))) ago",
            "last seen \(DisplayFormat.duration(now.timeIntervalSince(connection.lastSeenAt))) ago",
            "messages  \(connection.messagesIn) in, \(connection.messagesOut) out",
            "",
            "channels (\(connection.channels.count))",
        ]
        lines.append(contentsOf: connection.channels.sorted().map { "  " + $0 })
        return DetailContent(title: "connection \(connection.socketID)", lines: lines)
    }

    /// One channel: kind, counts, last event and, for presence, its members with their info.
    public static func channel(_ scoped: ScopedChannel, now: Date) -> DetailContent {
        let channel = scoped.channel
        var lines = [
            "channel   \(channel.name)",
            "app       \(scoped.appID)",
            "kind      \(channel.kind.label)",
            "subs      \(channel.subscriberCount)",
            "occupied  \(DisplayFormat.duration(now.timeIntervalSince(channel.occupiedSince)))",
            "last      \(channel.lastEventName ?? "-")",
        ]
        if channel.kind.access == .presence {
            lines.append("")
            lines.append("members (\(channel.userCount))")
            for member in channel.members {
                lines.append("  \(member.userID)  \(member.userInfo)  ×\(member.connections)")
            }
        }
        return DetailContent(title: "channel \(channel.name)", lines: lines)
    }

    /// One presence member: id, connections and pretty-printed `user_info`.
    public static func member(_ member: MemberSnapshot, channel: String) -> DetailContent {
        var lines = [
            "user      \(member.userID)",
            "channel   \(channel)",
            "conns     \(member.connections)",
            "",
            "user_info",
        ]
        lines.append(contentsOf: JSONText.prettyLines(member.userInfo).map { "  " + $0 })
        return DetailContent(title: "member \(member.userID)", lines: lines)
    }
}
