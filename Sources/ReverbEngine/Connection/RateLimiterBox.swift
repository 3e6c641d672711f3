/// A socket's `RateLimiter` kept out of line: most apps set no rate limit, and a `RateLimiter?` stored in the
/// handler would cost every socket its full size anyway (about 50 bytes; docs/benchmarks.md, "Memory per connection").
final class RateLimiterBox {
    var limiter: RateLimiter

    init(_ limiter: RateLimiter) {
        self.limiter = limiter
    }
}
