import Foundation
import ReverbEngine

/// Per-second rates computed from two snapshots' monotonic counters.
public struct Rates: Hashable, Sendable {
    public var messagesIn: Double
    public var messagesOut: Double
    public var apiRequests: Double
    /// Messages in plus out per second, per app id.
    public var appMessages: [String: Double]
    /// Messages received and sent per second, per node id.
    public var nodeMessagesIn: [String: Double]
    public var nodeMessagesOut: [String: Double]

    public init(
        messagesIn: Double = 0, messagesOut: Double = 0, apiRequests: Double = 0, appMessages: [String: Double] = [:],
        nodeMessagesIn: [String: Double] = [:], nodeMessagesOut: [String: Double] = [:]
    ) {
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
        self.apiRequests = apiRequests
        self.appMessages = appMessages
        self.nodeMessagesIn = nodeMessagesIn
        self.nodeMessagesOut = nodeMessagesOut
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
        var nodeIn: [String: Double] = [:]
        var nodeOut: [String: Double] = [:]
        let earlierNodes = Dictionary(earlier.nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for node in later.nodes {
            nodeIn[node.id] = perSecond(earlierNodes[node.id]?.messagesIn ?? node.messagesIn, node.messagesIn)
            nodeOut[node.id] = perSecond(earlierNodes[node.id]?.messagesOut ?? node.messagesOut, node.messagesOut)
        }
        self.init(
            messagesIn: perSecond(earlier.counters.messagesIn, later.counters.messagesIn),
            messagesOut: perSecond(earlier.counters.messagesOut, later.counters.messagesOut),
            apiRequests: perSecond(earlier.counters.apiRequests, later.counters.apiRequests),
            appMessages: appMessages, nodeMessagesIn: nodeIn, nodeMessagesOut: nodeOut
        )
    }
}
