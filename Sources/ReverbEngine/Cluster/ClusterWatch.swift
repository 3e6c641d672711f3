import Foundation

/// Whether a console watches this node, and the cluster-wide view last read for it (`Cluster+View`).
struct ClusterWatch: Sendable {
    /// A console asked for a snapshot recently; the view is kept fresh until then.
    var watchedUntil: Date?
    var view: ClusterView?

    func isWatched(at now: Date) -> Bool { watchedUntil.map { $0 > now } ?? false }
}
