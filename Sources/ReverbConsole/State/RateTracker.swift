import Foundation
import ReverbEngine

/// Turns a sequence of snapshots into rates over windows of at least `window` seconds, so a console
/// that reads snapshots every frame does not show jittery numbers. Keeps a short history for the sparkline.
public struct RateTracker: Sendable {
    public let window: Double
    public let historyLength: Int
    private var baseline: EngineSnapshot?
    public private(set) var current = Rates.zero
    /// Messages in plus out per second, oldest first, at most `historyLength` samples.
    public private(set) var history: [Double] = []

    public init(window: Double = 1, historyLength: Int = 60) {
        self.window = window
        self.historyLength = historyLength
    }

    /// Feeds the latest snapshot; rates move on once a full window has passed.
    public mutating func observe(_ snapshot: EngineSnapshot) {
        guard let baseline else {
            self.baseline = snapshot
            return
        }
        guard snapshot.takenAt.timeIntervalSince(baseline.takenAt) >= window else { return }
        current = Rates(from: baseline, to: snapshot)
        history.append(current.messagesIn + current.messagesOut)
        if history.count > historyLength { history.removeFirst(history.count - historyLength) }
        self.baseline = snapshot
    }
}
