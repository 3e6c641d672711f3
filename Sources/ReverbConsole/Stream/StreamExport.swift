import Foundation
import ReverbEngine

/// Writes stream rows as JSON Lines: one object per engine event, fields in a fixed order.
public enum StreamExport {
    /// One event as one JSON object on one line (no trailing newline).
    public static func jsonLine(_ event: EngineEvent) -> String {
        let time = event.time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        var members = [
            JSONMember("time", .string(time)), JSONMember("type", .string(event.kind.rawValue)),
            JSONMember("app_id", .string(event.appID)),
        ]
        if let socketID = event.socketID { members.append(JSONMember("socket_id", .string(socketID))) }
        if let channel = event.channel { members.append(JSONMember("channel", .string(channel))) }
        if let name = event.event { members.append(JSONMember("event", .string(name))) }
        if let code = event.code { members.append(JSONMember("code", .number(String(code)))) }
        if let detail = event.detail { members.append(JSONMember("detail", .string(detail))) }
        if let payload = event.payload { members.append(JSONMember("payload", .string(payload))) }
        return JSONValue.object(members).jsonText
    }

    /// The file name for an export made at `date`: `reverb-stream-20261121-174500.jsonl` (UTC).
    public static func fileName(at date: Date) -> String {
        let components = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "UTC") ?? .current, from: date)
        func pad(_ value: Int?, _ width: Int = 2) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "reverb-stream-\(pad(components.year, 4))\(pad(components.month))\(pad(components.day))-"
            + "\(pad(components.hour))\(pad(components.minute))\(pad(components.second)).jsonl"
    }

    /// Writes `events` to `directory`/`fileName(at:)` and returns the file's path.
    public static func write(_ events: [EngineEvent], toDirectory directory: String, at date: Date) throws -> String {
        let url = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(fileName(at: date))
        var text = ""
        for event in events {
            text += jsonLine(event)
            text += "\n"
        }
        try Data(text.utf8).write(to: url, options: .atomic)
        return url.path
    }
}
