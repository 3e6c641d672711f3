/// Lets the Redis clients' callbacks reach the cluster that owns them without a retain cycle.
final class WeakCluster: @unchecked Sendable {
    // Written once, before any connection starts.
    weak var cluster: Cluster?
}
