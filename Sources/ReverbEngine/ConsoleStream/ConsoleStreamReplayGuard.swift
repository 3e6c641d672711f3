import Foundation
import Synchronization

/// Remembers the console stream signatures used in the last `ConsoleStreamSignature.window` seconds, so a
/// captured request cannot open a second stream. Shared by every server in the process: a signature is
/// unique to one secret, nonce and time, so sharing never refuses a fresh one.
final class ConsoleStreamReplayGuard: Sendable {
    static let shared = ConsoleStreamReplayGuard()

    private let used = Mutex<[String: Date]>([:])

    /// False when `signature` was used within the window; with `consume`, records it.
    func admit(_ signature: String, now: Date, consume: Bool) -> Bool {
        used.withLock { used in
            let horizon = now.addingTimeInterval(-Double(ConsoleStreamSignature.window))
            if used.count > 64 { used = used.filter { $0.value > horizon } }
            if let seen = used[signature], seen > horizon { return false }
            if consume { used[signature] = now }
            return true
        }
    }
}
