import Foundation

/// `reverb-tui install`, like `reverb:install`: the edits to a Laravel `.env` that point the app at Reverb. Adds
/// each missing `REVERB_*` and `VITE_REVERB_*` variable (a present one is never touched, even if empty) and
/// makes `reverb` the broadcast connection. Running it again changes nothing.
public enum DotEnvInstaller {
    /// What the new variables hold; the id, key and secret are random unless given.
    public struct Values: Sendable {
        public var appID: String
        public var appKey: String
        public var appSecret: String
        public var host = "localhost"
        public var port = "8080"
        public var scheme = "http"

        public init(appID: String, appKey: String, appSecret: String) {
            self.appID = appID
            self.appKey = appKey
            self.appSecret = appSecret
        }

        /// A random id from 100000 to 999999 and a key and secret of 20 lowercase letters and digits, from the
        /// system's secure random source, as Laravel's installer makes them.
        public static func random() -> Values {
            var generator = SystemRandomNumberGenerator()
            return Values(
                appID: String(Int.random(in: 100_000...999_999, using: &generator)),
                appKey: randomToken(using: &generator), appSecret: randomToken(using: &generator))
        }

        static func randomToken(using generator: inout SystemRandomNumberGenerator) -> String {
            let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
            return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
        }
    }

    /// One line of the report: `added REVERB_APP_ID=123456`, `changed BROADCAST_CONNECTION: log -> reverb`.
    public struct Change: Sendable, Hashable {
        public var key: String
        public var before: String?
        public var after: String
    }

    /// The new file text and what changed; `changes` is empty when the file already had everything.
    public static func install(into text: String, values: Values) -> (text: String, changes: [Change]) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var changes: [Change] = []

        // The broadcast connection: rewrite BROADCAST_CONNECTION (Laravel 11+) and BROADCAST_DRIVER (Laravel 10
        // and older) where present, as Laravel's installer does; add BROADCAST_CONNECTION when neither is.
        var sawBroadcastKey = false
        for index in lines.indices {
            guard let (key, value) = assignment(lines[index]),
                key == "BROADCAST_CONNECTION" || key == "BROADCAST_DRIVER"
            else { continue }
            sawBroadcastKey = true
            if unquoted(value) != "reverb" {
                lines[index] = "\(key)=reverb"
                changes.append(Change(key: key, before: value, after: "reverb"))
            }
        }

        let present = Set(lines.compactMap { assignment($0)?.key })
        let reverb: [(String, String)] = [
            ("REVERB_APP_ID", values.appID), ("REVERB_APP_KEY", values.appKey),
            ("REVERB_APP_SECRET", values.appSecret), ("REVERB_HOST", "\"\(values.host)\""),
            ("REVERB_PORT", values.port), ("REVERB_SCHEME", values.scheme),
        ]
        let vite: [(String, String)] = [
            ("VITE_REVERB_APP_KEY", "\"${REVERB_APP_KEY}\""), ("VITE_REVERB_HOST", "\"${REVERB_HOST}\""),
            ("VITE_REVERB_PORT", "\"${REVERB_PORT}\""), ("VITE_REVERB_SCHEME", "\"${REVERB_SCHEME}\""),
        ]
        var groups: [[String]] = []
        if !sawBroadcastKey {
            groups.append(["BROADCAST_CONNECTION=reverb"])
            changes.append(Change(key: "BROADCAST_CONNECTION", before: nil, after: "reverb"))
        }
        for group in [reverb, vite] {
            let missing = group.filter { !present.contains($0.0) }
            if missing.isEmpty { continue }
            groups.append(missing.map { "\($0.0)=\($0.1)" })
            changes += missing.map { Change(key: $0.0, before: nil, after: $0.1) }
        }

        var result = lines.joined(separator: "\n")
        if !groups.isEmpty {
            let block = groups.map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
            if result.isEmpty {
                result = block + "\n"
            } else {
                result += (result.hasSuffix("\n") ? "\n" : "\n\n") + block + "\n"
            }
        }
        return (result, changes)
    }

    /// `KEY=value` (or `export KEY=value`) on a line that is not a comment.
    static func assignment(_ line: String) -> (key: String, value: String)? {
        var text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
        if text.hasPrefix("export ") { text = String(text.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
            return nil
        }
        return (key, String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces))
    }

    private static func unquoted(_ value: String) -> String {
        var text = value
        if let comment = text.range(of: " #") { text = String(text[..<comment.lowerBound]) }
        return text.trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
    }
}
