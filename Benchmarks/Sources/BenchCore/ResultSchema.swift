/// The keys every scenario's result line must carry. The smoke script checks the same lists
/// (`Benchmarks/scripts/smoke`), and the tests check that the tool's lines satisfy them.
public enum ResultSchema {
    /// Keys present on every line.
    public static let common = ["scenario", "target", "ok", "date", "elapsed_s", "failures"]

    /// Extra keys per scenario name.
    public static let byScenario: [String: [String]] = [
        "connect": [
            "connections", "subscribed", "connect_rate_per_s", "source_addresses",
            "server_rss_before_kib", "server_rss_after_kib", "server_rss_per_connection_bytes",
        ],
        "fanout": [
            "subscribers", "rate_per_s", "broadcasts", "published", "expected", "delivered", "lost",
            "duplicates", "delivered_per_s", "latency_us",
        ],
        "channels": [
            "channels", "rate_per_s", "published", "expected", "delivered", "lost", "duplicates",
            "delivered_per_s", "latency_us",
        ],
        "presence": [
            "members", "rate_per_s", "joins", "leaves", "member_added", "member_removed", "lost",
            "unexpected",
        ],
        "client-events": ["round_trips", "sent", "lost", "rtt_us"],
    ]

    /// The keys missing from `line` for its scenario, or `["scenario"]` when the scenario is unknown.
    public static func missingKeys(in line: JSONValue) -> [String] {
        guard case .string(let name)? = line["scenario"], let extra = byScenario[name] else { return ["scenario"] }
        return (common + extra).filter { line[$0] == nil }
    }
}
