import NIOCore
import Testing

@testable import ReverbEngine

@Suite("Rate limiter, on a fake clock")
struct RateLimiterTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test("fixed window: max 3, the fourth is refused until the window ends")
    func rateLimit() {
        var limiter = RateLimiter(limit: .init(maxAttempts: 3, decaySeconds: 1))
        let offsets: [Int64] = [0, 0, 0, 900, 1000]
        let allowed = offsets.map { limiter.allow(now: start + .milliseconds($0)) }
        #expect(allowed == [true, true, true, false, true])
    }
}
