import NIOCore
import Testing
@testable import ReverbEngine

@Suite("Keep-alive, on a fake clock")
struct KeepAliveTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    /// Ticks at each offset (seconds after start) and returns the actions.
    func ticks(_ keepAlive: inout KeepAlive, at seconds: [Int64]) -> [KeepAlive.Action] {
        seconds.map { keepAlive.tick(now: start + .seconds($0)) }
    }

    @Test("silence → pusher:ping; no answer within the pong timeout → prune")
    func pingThenPrune() {
        var keepAlive = KeepAlive(pingInterval: .seconds(60), pongTimeout: .seconds(30), now: start)
        #expect(ticks(&keepAlive, at: [59]) == [.none])
        #expect(keepAlive.nextCheck == start + .seconds(60))
        #expect(ticks(&keepAlive, at: [60]) == [.ping(useControlFrame: false)])
        #expect(keepAlive.nextCheck == start + .seconds(90))
        #expect(ticks(&keepAlive, at: [89, 90]) == [.none, .prune])
    }

    @Test("any message after the ping clears it; control-frame users get ping frames")
    func touchClearsPing() {
        var keepAlive = KeepAlive(pingInterval: .seconds(10), pongTimeout: .seconds(5), now: start)
        #expect(ticks(&keepAlive, at: [10]) == [.ping(useControlFrame: false)])
        keepAlive.controlFrameReceived(now: start + .seconds(12))
        #expect(ticks(&keepAlive, at: [20, 22]) == [.none, .ping(useControlFrame: true)])
    }
}
