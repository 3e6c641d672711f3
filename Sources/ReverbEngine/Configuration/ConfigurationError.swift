/// A configuration value that cannot be used, with where it came from and what was expected.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the value came from: `--port`, `REVERB_APP_KEY`, `.env`, `config.json`.
    public var source: String
    public var key: String
    public var value: String
    public var expected: String

    public init(source: String, key: String, value: String, expected: String) {
        self.source = source
        self.key = key
        self.value = value
        self.expected = expected
    }

    public var description: String {
        "Invalid configuration: \(key) = \(value.jsonQuoted) from \(source); expected \(expected)."
    }
}
