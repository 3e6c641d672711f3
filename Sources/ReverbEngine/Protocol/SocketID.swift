import Crypto
import Foundation
import Synchronization

/// Pusher socket ids: `"{a}.{b}"` with two random integers, as pusher-php's `^\d+\.\d+$` expects.
package enum SocketID {
    /// Random words for socket ids (`SystemRandomNumberGenerator` makes one `getrandom` system call per word, two
    /// per connection).
    private static let pool = Mutex(RandomPool())

    package static func random() -> String {
        var generator = PooledGenerator()
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

    /// Secure random words handed out once each, refilled 64 at a time from a ChaCha20 keystream (ChaChaPoly
    /// sealing zeros under a key from the system generator, with a fresh nonce per refill): one system call per
    /// process instead of two per connection.
    private struct RandomPool {
        private let key = SymmetricKey(size: .bits256)
        private var refills: UInt64 = 0
        private var words: [UInt64] = []

        mutating func next() -> UInt64 {
            if words.isEmpty { refill() }
            if let word = words.popLast() { return word }
            var system = SystemRandomNumberGenerator()
            return system.next()
        }

        private mutating func refill() {
            refills += 1
            var nonce = [UInt8](repeating: 0, count: 12)
            withUnsafeBytes(of: refills.littleEndian) { nonce.replaceSubrange(0..<8, with: $0) }
            guard let nonce = try? ChaChaPoly.Nonce(data: nonce),
                let sealed = try? ChaChaPoly.seal([UInt8](repeating: 0, count: 512), using: key, nonce: nonce)
            else { return }
            sealed.ciphertext.withUnsafeBytes { bytes in
                words = (0..<64).map { bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
            }
        }
    }

    /// A generator over the shared pool.
    private struct PooledGenerator: RandomNumberGenerator {
        mutating func next() -> UInt64 { SocketID.pool.withLock { $0.next() } }
    }
}
