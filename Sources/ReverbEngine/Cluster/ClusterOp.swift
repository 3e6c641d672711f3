/// One absolute value of this node's share of cluster state (`c␟app`, `s␟app␟channel`,
/// `u␟app␟channel␟user` or `w␟app␟user`): idempotent, so a resend or a full re-sync after a Redis restart is always safe.
struct ClusterOp: Sendable, Hashable {
    var field: String
    var value: Int
    /// The member JSON (`{"user_id":…,"user_info":…}`) for presence fields.
    var member: String = ""

    static let separator = "\u{1F}"

    static func connections(app: String, count: Int) -> ClusterOp {
        ClusterOp(field: "c" + separator + app, value: count)
    }

    static func subscriptions(app: String, channel: String, count: Int) -> ClusterOp {
        ClusterOp(field: "s" + separator + app + separator + channel, value: count)
    }

    static func presence(app: String, channel: String, user: String, count: Int, member: String) -> ClusterOp {
        ClusterOp(field: "u" + separator + app + separator + channel + separator + user, value: count, member: member)
    }

    /// Sockets of `app` signed in as `user` on this node (watchlists: a user is online while any node has one).
    static func online(app: String, user: String, count: Int) -> ClusterOp {
        ClusterOp(field: "w" + separator + app + separator + user, value: count)
    }
}
