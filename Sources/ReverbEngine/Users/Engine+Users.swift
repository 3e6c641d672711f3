import Synchronization
import Foundation
import NIOCore

/// User authentication (`pusher:signin`), server-to-user delivery and watchlists (docs/users.md).
extension Engine {
    /// Checks a `pusher:signin` and signs the socket in; a bad signature or unusable `user_data` closes it.
    func signIn(_ handle: ConnectionHandle, auth: String, userData: String) {
        let app = handle.app
        guard
            UserAuthenticator.isAuthentic(
                auth: auth, key: app.key, secret: app.secret, socketID: handle.socketID, userData: userData)
        else { return fail(handle, with: .invalidSignin) }
        let user: UserData
        do {
            user = try UserData(parsing: userData)
        } catch {
            return fail(handle, with: error)
        }
        // Watchlist events are queued under the lock, so racing sign-ins and sign-outs of one user reach
        // every watcher in the order they happened; the signing socket's own arrive after its reply. With
        // scaling, Redis decides when a user comes online or goes offline and every node hears it from the
        // stream (`watchedUserChanged`); the new socket's first list is read from Redis.
        let cluster = cluster?.isConnected == true ? cluster : nil
        guard
            let signedIn = registry(for: app).withState({
                state -> (UserDirectory.SignIn, EventLoopFuture<[String]>?)? in
                guard let outcome = state.signIn(handle, user: user) else { return nil }
                if let cluster {
                    var ops = [
                        ClusterOp.online(app: app.id, user: user.id, count: state.users.handles(ofUser: user.id).count)
                    ]
                    if let replaced = outcome.replaced, replaced.userID != user.id {
                        ops.append(
                            .online(
                                app: app.id, user: replaced.userID,
                                count: state.users.handles(ofUser: replaced.userID).count))
                    }
                    _ = cluster.update(appID: app.id, ops: ops)
                    return (outcome, cluster.online(appID: app.id, userIDs: user.watchlist))
                }
                if let replaced = outcome.replaced { Self.queueWatchlistEvents(for: replaced) }
                Self.queueWatchlist([handle], name: "online", userIDs: outcome.onlineWatched)
                Self.queueWatchlist(outcome.watchersToTell, name: "online", userIDs: [user.id])
                return (outcome, nil)
            })
        else { return }
        let (outcome, online) = signedIn
        if let replaced = outcome.replaced {
            report(replaced, app: app, socketID: handle.socketID, toldWatchers: online == nil)
        }
        reply(ServerMessage.signinSuccess(userData: userData), event: "pusher:signin_success", to: handle)
        events.emit {
            EngineEvent(
                kind: .signin, appID: app.id, socketID: handle.socketID, event: "pusher:signin", payload: userData,
                detail: "signed in as \(user.id)" + (user.watchlist.isEmpty ? "" : ", watching \(user.watchlist.count)")
            )
        }
        guard let online else {
            reportWatchlist([handle], name: "online", userIDs: outcome.onlineWatched, app: app)
            reportWatchlist(outcome.watchersToTell, name: "online", userIDs: [user.id], app: app)
            return
        }
        online.whenComplete { result in
            // Without an answer from Redis, this node's own view.
            let ids = (try? result.get()) ?? outcome.onlineWatched
            Self.queueWatchlist([handle], name: "online", userIDs: ids)
            self.reportWatchlist([handle], name: "online", userIDs: ids, app: app)
        }
    }

    /// A watched user's first signed-in socket anywhere in the cluster, or their last one, as the stream
    /// announced it: tells this node's watchers.
    func watchedUserChanged(_ userID: String, online: Bool, app: Application) {
        let name = online ? "online" : "offline"
        let watchers = registry(for: app).withState { state in
            let watchers = state.users.watchers(of: userID)
            Self.queueWatchlist(watchers, name: name, userIDs: [userID])
            return watchers
        }
        reportWatchlist(watchers, name: name, userIDs: [userID], app: app)
    }

    /// Forgets a closed socket's identity and tells watchers when its user went offline.
    func signOut(_ handle: ConnectionHandle) {
        let cluster = cluster?.isConnected == true ? cluster : nil
        let app = handle.app
        guard
            let outcome = registry(for: app).withState({ state -> UserDirectory.SignOut? in
                guard let outcome = state.users.signOut(socketID: handle.socketID) else { return nil }
                if let cluster {
                    let count = state.users.handles(ofUser: outcome.userID).count
                    _ = cluster.update(appID: app.id, ops: [.online(app: app.id, user: outcome.userID, count: count)])
                } else {
                    Self.queueWatchlistEvents(for: outcome)
                }
                return outcome
            })
        else { return }
        report(outcome, app: app, socketID: handle.socketID, toldWatchers: cluster == nil)
    }

    private static func queueWatchlistEvents(for signOut: UserDirectory.SignOut) {
        guard signOut.wentOffline else { return }
        queueWatchlist(signOut.watchersToTell, name: "offline", userIDs: [signOut.userID])
    }

    private func report(_ signOut: UserDirectory.SignOut, app: Application, socketID: String, toldWatchers: Bool) {
        events.emit {
            EngineEvent(
                kind: .signin, appID: app.id, socketID: socketID,
                detail: "signed out as \(signOut.userID)" + (signOut.wentOffline ? ", now offline" : ""))
        }
        if toldWatchers, signOut.wentOffline {
            reportWatchlist(signOut.watchersToTell, name: "offline", userIDs: [signOut.userID], app: app)
        }
    }

    /// Queues one `pusher_internal:watchlist_events` for each of `handles` on its own loop (never inline), so
    /// the order of these calls is the order each watcher receives them.
    private static func queueWatchlist(_ handles: [ConnectionHandle], name: String, userIDs: [String]) {
        guard !handles.isEmpty, !userIDs.isEmpty else { return }
        let message = ServerMessage.watchlistEvents(name: name, userIDs: userIDs)
        BroadcastWriter.write(message, to: FanoutGroup.partition(handles.map(\.writer)))
    }

    /// Shows what `queueWatchlist` sent (the writers count the messages).
    private func reportWatchlist(_ handles: [ConnectionHandle], name: String, userIDs: [String], app: Application) {
        guard !handles.isEmpty, !userIDs.isEmpty else { return }
        events.emit {
            EngineEvent(
                kind: .watchlist, appID: app.id, socketID: handles.count == 1 ? handles[0].socketID : nil,
                event: "pusher_internal:watchlist_events",
                payload: String(buffer: ServerMessage.watchlistEvents(name: name, userIDs: userIDs)),
                detail: "\(name) \(userIDs.joined(separator: ",")) to \(handles.count) socket(s)")
        }
    }

    /// pusher-js subscribes to `#server-to-user-{id}` after signing in: allowed only for that user's sockets.
    /// Nothing is stored; delivery goes to every signed-in socket of the user (`deliverToUser`).
    func subscribeToUserChannel(_ handle: ConnectionHandle, channel: String) {
        let signedInAs = registry(for: handle.app).withState { $0.users.userID(ofSocket: handle.socketID) }
        guard let userID = UserChannel.userID(in: channel), signedInAs == userID else {
            return reject(handle, with: .notSignedInAsUser, channel: channel, event: "pusher:subscribe")
        }
        reply(
            ServerMessage.subscriptionSucceeded(channel: channel), event: "pusher_internal:subscription_succeeded",
            channel: channel, to: handle)
    }

    /// The server-to-user branch of `deliver`: every socket signed in as the channel's user, on this node.
    func deliverToUser(
        _ payload: ByteBuffer, event: String, channel: String, in registry: AppRegistry, excluding socketID: String?,
        kind: EngineEvent.Kind
    ) -> Int {
        guard let userID = UserChannel.userID(in: channel) else { return 0 }
        let handles = registry.withState { $0.users.handles(ofUser: userID) }.filter { $0.socketID != socketID }
        BroadcastWriter.write(payload, to: FanoutGroup.partition(handles.map(\.writer)))
        metrics.sent(appID: registry.app.id, count: handles.count)
        events.emit {
            EngineEvent(
                kind: kind, appID: registry.app.id, socketID: socketID, channel: channel, event: event,
                payload: String(buffer: payload), detail: "delivered to \(handles.count) (user \(userID))")
        }
        return handles.count
    }

    /// With `user_authentication_timeout`, closes the socket with 4009 unless it has signed in by then.
    func startSigninDeadline(for handle: ConnectionHandle) {
        guard let seconds = handle.app.userAuthenticationTimeout else { return }
        handle.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) { [self] in
            let unsigned = registry(for: handle.app).withState { state in
                state.handle(socketID: handle.socketID) != nil && state.users.userID(ofSocket: handle.socketID) == nil
            }
            if unsigned { fail(handle, with: .userAuthenticationTimeout) }
        }
    }
}

extension AppState {
    /// Signs an open socket in; nil when it has already closed.
    mutating func signIn(_ handle: ConnectionHandle, user: UserData) -> UserDirectory.SignIn? {
        guard self.handle(socketID: handle.socketID) != nil else { return nil }
        return users.signIn(handle, userID: user.id, watchlist: user.watchlist)
    }
}
