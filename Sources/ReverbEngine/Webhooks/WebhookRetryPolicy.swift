/// When to try a failed webhook request again: exponential backoff from `firstDelay`, each wait capped at
/// `maxDelay`, and no attempt starting later than `giveUpAfter` after the first (Pusher retries for 5 minutes).
struct WebhookRetryPolicy: Sendable {
    var firstDelay: Duration = .seconds(1)
    var maxDelay: Duration = .seconds(60)
    var giveUpAfter: Duration = .seconds(300)

    /// The wait before the next attempt after `attempts` failed ones, `elapsed` after the first began; nil to
    /// give up.
    func delay(afterAttempts attempts: Int, elapsed: Duration) -> Duration? {
        var wait = firstDelay
        for _ in 1..<max(1, attempts) {
            wait *= 2
            if wait >= maxDelay { break }
        }
        wait = min(wait, maxDelay)
        return elapsed + wait <= giveUpAfter ? wait : nil
    }

    /// Whether an HTTP status counts as delivered.
    static func isSuccess(status: Int) -> Bool { (200..<300).contains(status) }
}
