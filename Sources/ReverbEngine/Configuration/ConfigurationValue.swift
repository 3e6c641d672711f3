/// Parses one configuration value from text, with errors that name where it came from.
struct ConfigurationValue {
    let source: String
    let key: String
    let text: String

    func error(_ expected: String) -> ConfigurationError {
        ConfigurationError(source: source, key: key, value: text, expected: expected)
    }

    func integer(minimum: Int) throws(ConfigurationError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= minimum else {
            throw error("a whole number of at least \(minimum)")
        }
        return value
    }

    func port() throws(ConfigurationError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (0...65_535).contains(value) else {
            throw error("a port number from 0 to 65535")
        }
        return value
    }

    /// A port where empty means none (a feature turned off).
    func optionalPort() throws(ConfigurationError) -> Int? {
        text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try port()
    }

    /// Laravel's env booleans: true/false, 1/0, yes/no, on/off, `(true)`.
    func boolean() throws(ConfigurationError) -> Bool {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "(true)", "1", "yes", "on": return true
        case "false", "(false)", "0", "no", "off", "": return false
        default: throw error("true or false")
        }
    }

    /// An integer limit where empty or `null` means no limit.
    func optionalLimit() throws(ConfigurationError) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "null" || trimmed == "(null)" { return nil }
        return try integer(minimum: 1)
    }

    func clientEventPolicy() throws(ConfigurationError) -> Application.ClientEventPolicy {
        guard let policy = Application.ClientEventPolicy(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
            throw error("members, all or none")
        }
        return policy
    }

    func nonEmpty() throws(ConfigurationError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw error("a non-empty value") }
        return trimmed
    }

    /// A comma-separated list: `laravel.com, *.laravel.com`.
    func list() -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

import Foundation
