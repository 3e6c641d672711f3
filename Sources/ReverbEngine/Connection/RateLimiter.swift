import NIOCore

/// Reverb's fixed-window message limit for one socket: `maxAttempts` messages per `decaySeconds`.
///
/// Over the limit, only the first refused message of a window is answered (one 4301 per window): answering
/// every excess message would let a flooding client make the server write as much as it reads.
struct RateLimiter: Sendable {
    enum Verdict: Equatable {
        case allowed
        /// The first message over the limit in this window: tell the client once.
        case refused
        /// A later message over the limit in the same window: drop it silently.
        case refusedSilently
    }

    let limit: Application.RateLimit
    private var windowStart: NIODeadline?
    private var count = 0
    private var refusedInWindow = false

    init(limit: Application.RateLimit) {
        self.limit = limit
    }

    /// Counts one message; a refused message is not counted.
    mutating func check(now: NIODeadline) -> Verdict {
        if let start = windowStart, now < start + .seconds(Int64(limit.decaySeconds)) {
            if count < limit.maxAttempts {
                count += 1
                return .allowed
            }
            defer { refusedInWindow = true }
            return refusedInWindow ? .refusedSilently : .refused
        }
        windowStart = now
        refusedInWindow = limit.maxAttempts < 1
        count = 1
        return limit.maxAttempts >= 1 ? .allowed : .refused
    }

    /// Counts one message; false when the window is already full.
    mutating func allow(now: NIODeadline) -> Bool { check(now: now) == .allowed }
}
