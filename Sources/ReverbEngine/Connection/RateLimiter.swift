import NIOCore

/// Reverb's fixed-window message limit for one socket: `maxAttempts` messages per `decaySeconds`.
struct RateLimiter: Sendable {
    let limit: Application.RateLimit
    private var windowStart: NIODeadline?
    private var count = 0

    init(limit: Application.RateLimit) {
        self.limit = limit
    }

    /// Counts one message; false when the window is already full (the message is not counted).
    mutating func allow(now: NIODeadline) -> Bool {
        if let start = windowStart, now < start + .seconds(Int64(limit.decaySeconds)) {
            guard count < limit.maxAttempts else { return false }
            count += 1
            return true
        }
        windowStart = now
        count = 1
        return limit.maxAttempts >= 1
    }
}
