import OrderedCollections

/// The signed-in users of one app: which socket is which user, each user's sockets, and who watches whom.
/// A plain value inside `AppState`, so it changes under the same lock as the sockets it describes.
struct UserDirectory {
    /// What a sign-in changed, for the caller to send once the lock is released.
    struct SignIn {
        /// The sign-out of the socket's previous identity, when it signs in again.
        var replaced: SignOut?
        /// Ids of the new socket's watchlist that are online now (its first `watchlist_events`).
        var onlineWatched: [String] = []
        /// When the user came online with this socket: the other sockets watching it.
        var watchersToTell: [ConnectionHandle] = []
    }

    /// What a sign-out (a close, or a second sign-in) changed.
    struct SignOut {
        var userID: String
        /// True when that was the user's last signed-in socket.
        var wentOffline: Bool
        /// When it went offline: the sockets watching it.
        var watchersToTell: [ConnectionHandle] = []
    }

    private struct Member {
        var userID: String
        var watchlist: [String]
    }

    private var members: [String: Member] = [:]
    private var socketsByUser: [String: OrderedDictionary<String, ConnectionHandle>] = [:]
    /// Watched user id → the sockets whose watchlist names it.
    private var watchers: [String: [String: ConnectionHandle]] = [:]

    var isEmpty: Bool { members.isEmpty }

    /// How many sockets are signed in.
    var signedInCount: Int { members.count }

    func userID(ofSocket socketID: String) -> String? { members[socketID]?.userID }

    /// The sockets signed in as `userID`, oldest first.
    func handles(ofUser userID: String) -> [ConnectionHandle] { socketsByUser[userID].map { Array($0.values) } ?? [] }

    func isOnline(_ userID: String) -> Bool { socketsByUser[userID] != nil }

    /// Each signed-in user and how many of its sockets are signed in here (this node's share of a cluster).
    var signedInCounts: [(userID: String, sockets: Int)] { socketsByUser.map { ($0.key, $0.value.count) } }

    /// The sockets whose watchlist names `userID`.
    func watchers(of userID: String) -> [ConnectionHandle] { watchers[userID].map { Array($0.values) } ?? [] }

    /// Signs `handle` in as `userID`, replacing any identity it had.
    mutating func signIn(_ handle: ConnectionHandle, userID: String, watchlist: [String]) -> SignIn {
        var outcome = SignIn()
        outcome.replaced = signOut(socketID: handle.socketID)
        let watched = Array(OrderedSet(watchlist))
        members[handle.socketID] = Member(userID: userID, watchlist: watched)
        let cameOnline = socketsByUser[userID] == nil
        socketsByUser[userID, default: [:]][handle.socketID] = handle
        if cameOnline {
            outcome.watchersToTell = (watchers[userID] ?? [:]).values.filter { $0.socketID != handle.socketID }
        }
        for id in watched { watchers[id, default: [:]][handle.socketID] = handle }
        outcome.onlineWatched = watched.filter(isOnline)
        return outcome
    }

    /// Forgets a socket's identity; nil when it was not signed in.
    mutating func signOut(socketID: String) -> SignOut? {
        guard let member = members.removeValue(forKey: socketID) else { return nil }
        for id in member.watchlist {
            watchers[id]?.removeValue(forKey: socketID)
            if watchers[id]?.isEmpty == true { watchers[id] = nil }
        }
        socketsByUser[member.userID]?.removeValue(forKey: socketID)
        var outcome = SignOut(userID: member.userID, wentOffline: false)
        if socketsByUser[member.userID]?.isEmpty == true {
            socketsByUser[member.userID] = nil
            outcome.wentOffline = true
            outcome.watchersToTell = Array((watchers[member.userID] ?? [:]).values)
        }
        return outcome
    }
}
