/// Pusher socket ids: `"{a}.{b}"` with two random integers, as pusher-php's `^\d+\.\d+$` expects.
public enum SocketID {
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        "\(UInt32.random(in: 1...1_000_000_000, using: &generator)).\(UInt32.random(in: 1...1_000_000_000, using: &generator))"
    }

    /// True for text of the form `digits.digits`.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }
}
