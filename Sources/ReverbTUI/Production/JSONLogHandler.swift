import Foundation
import Logging
import Synchronization

/// `--log-format json`: every log record as one JSON object on one line of stdout, for log shippers:
/// `{"time":"2026-11-25T20:00:00.123Z","level":"notice","label":"reverb-tui","message":"Connection refused",
/// "event":"connection_refused","code":4001,...}`. Metadata keys become top-level members; numbers stay numbers.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level
    private let label: String
    private let write: @Sendable (String) -> Void

    init(
        label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardOutput
    ) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        write(
            Self.line(
                time: Date(), level: event.level, label: label, message: event.message.description, metadata: merged))
    }

    /// One record as a JSON line (without the newline). Reserved names win over metadata of the same name.
    static func line(
        time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var text = "{\"time\":" + quoted(timestamp(time)) + ",\"level\":" + quoted(level.rawValue)
        text += ",\"label\":" + quoted(label) + ",\"message\":" + quoted(message)
        for key in metadata.keys.sorted() where !["time", "level", "label", "message"].contains(key) {
            text += "," + quoted(key) + ":" + json(metadata[key]!)
        }
        return text + "}"
    }

    /// Numbers (`code`, `status`) as JSON numbers, everything else as strings; nested metadata as JSON.
    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text):
            if let number = Int(text), String(number) == text { return text }
            return quoted(text)
        case .stringConvertible(let convertible): return quoted(convertible.description)
        case .array(let items): return "[" + items.map(json).joined(separator: ",") + "]"
        case .dictionary(let members):
            return "{" + members.keys.sorted().map { quoted($0) + ":" + json(members[$0]!) }.joined(separator: ",")
                + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static let lock = Mutex(())

    @Sendable static func standardOutput(_ line: String) {
        lock.withLock { _ in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }
}
