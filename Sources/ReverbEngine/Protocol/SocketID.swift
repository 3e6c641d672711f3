/// Pusher socket ids: `"{a}.{b}"` with two random integers, as pusher-php's `^\d+\.\d+$` expects.
package enum SocketID {
    package static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    package static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        "\(UInt32.random(in: 1...1_000_000_000, using: &generator)).\(UInt32.random(in: 1...1_000_000_000, using: &generator))"
    }

    /// True for text of the form `digits.digits`.
    package static func isValid(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }
}
