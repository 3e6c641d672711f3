import Foundation
import ReverbEngine

/// Per-second rates computed from two snapshots' monotonic counters.
public struct Rates: Hashable, Sendable {
    public var messagesIn: Double
    public var messagesOut: Double
    public var apiRequests: Double
    /// Messages in plus out per second, per app id.
    public var appMessages: [String: Double]

    public init(
        messagesIn: Double = 0, messagesOut: Double = 0, apiRequests: Double = 0, appMessages: [String: Double] = [:]
    ) {
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
        self.apiRequests = apiRequests
        self.appMessages = appMessages
    }

    public static let zero = Rates()

    /// The rates between an earlier and a later snapshot; zero when no time passed. Counters that went
    /// backwards (an engine restart) count as zero rather than negative.
    public init(from earlier: EngineSnapshot, to later: EngineSnapshot) {
        let seconds = later.takenAt.timeIntervalSince(earlier.takenAt)
        guard seconds > 0 else {
            self.init()
            return
        }
        func perSecond(_ before: Int, _ after: Int) -> Double { Double(max(0, after - before)) / seconds }
        var appMessages: [String: Double] = [:]
        let earlierApps = Dictionary(earlier.apps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for app in later.apps {
            let before = earlierApps[app.id].map { $0.messagesIn + $0.messagesOut } ?? 0
            appMessages[app.id] = perSecond(before, app.messagesIn + app.messagesOut)
        }
        self.init(
            messagesIn: perSecond(earlier.counters.messagesIn, later.counters.messagesIn),
            messagesOut: perSecond(earlier.counters.messagesOut, later.counters.messagesOut),
            apiRequests: perSecond(earlier.counters.apiRequests, later.counters.apiRequests),
            appMessages: appMessages
        )
    }
}
