import Foundation
import ReverbConsole
import ReverbEngine
import Testing

@Suite struct RatesTests {
    func snapshot(at seconds: TimeInterval, messagesIn: Int, messagesOut: Int, api: Int) -> EngineSnapshot {
        EngineSnapshot(
            takenAt: Fixtures.now.addingTimeInterval(seconds),
            apps: [AppSnapshot(id: "1", key: "k", messagesIn: messagesIn, messagesOut: messagesOut)],
            counters: EngineCounters(messagesIn: messagesIn, messagesOut: messagesOut, apiRequests: api)
        )
    }

    @Test func ratesAreCounterDeltasOverTime() {
        let rates = Rates(
            from: snapshot(at: 0, messagesIn: 10, messagesOut: 20, api: 1),
            to: snapshot(at: 2, messagesIn: 30, messagesOut: 80, api: 5))
        #expect(rates.messagesIn == 10)
        #expect(rates.messagesOut == 30)
        #expect(rates.apiRequests == 2)
        #expect(rates.appMessages["1"] == 40)
    }

    @Test func noTimeOrARestartGivesNoNegativeRates() {
        let earlier = snapshot(at: 0, messagesIn: 10, messagesOut: 20, api: 1)
        #expect(Rates(from: earlier, to: earlier) == .zero)
        let restarted = Rates(from: earlier, to: snapshot(at: 1, messagesIn: 0, messagesOut: 0, api: 0))
        #expect(restarted.messagesIn == 0)
        #expect(restarted.appMessages["1"] == 0)
    }

    @Test func trackerWaitsForAFullWindow() {
        var tracker = RateTracker(window: 1, historyLength: 2)
        tracker.observe(snapshot(at: 0, messagesIn: 0, messagesOut: 0, api: 0))
        tracker.observe(snapshot(at: 0.5, messagesIn: 50, messagesOut: 0, api: 0))
        #expect(tracker.current == .zero)
        tracker.observe(snapshot(at: 1, messagesIn: 100, messagesOut: 0, api: 0))
        #expect(tracker.current.messagesIn == 100)
        tracker.observe(snapshot(at: 2, messagesIn: 110, messagesOut: 0, api: 0))
        tracker.observe(snapshot(at: 3, messagesIn: 130, messagesOut: 0, api: 0))
        #expect(tracker.history == [10, 20])
    }
}
