import Synchronization
import Foundation
import Logging
import NIOCore

/// The protocol core shared by sockets, the HTTP API and the console: apps, their registries, delivery,
/// and the events observers see. Knows nothing of sockets beyond `ConnectionHandle`.
final class Engine: Sendable {
    let configuration: ServerConfiguration
    let directory: ApplicationDirectory
    let registries: [String: AppRegistry]
    let events = EventHub()
    let totals = EngineTotals()
    let webhooks = WebhookDispatcher()
    let metrics: EngineMetrics
    /// Production log lines (connection errors, rejected requests); see docs/logging.md.
    let logger: Logger
    let startedAt = Date()
    /// The other nodes, when scaling is on. Set once by `attach(_:)` before the server starts listening, then
    /// only read: a plain stored property keeps the delivery path free of locks.
    nonisolated(unsafe) private(set) var cluster: Cluster?

    init(configuration: ServerConfiguration, logger: Logger = ReverbServer.defaultLogger) throws(ConfigurationError) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = EngineMetrics(appIDs: configuration.apps.map(\.id))
        self.directory = try ApplicationDirectory(configuration.apps)
        var registries: [String: AppRegistry] = [:]
        for app in configuration.apps { registries[app.id] = AppRegistry(app: app) }
        self.registries = registries
    }

    func registry(for app: Application) -> AppRegistry { registries[app.id]! }

    /// Joins the cluster; call before any socket or request arrives.
    func attach(_ cluster: Cluster) { self.cluster = cluster }

    // MARK: Connections

    /// Admits a new socket: origin, then quota. On success the socket is registered.
    func open(_ handle: ConnectionHandle) throws(PusherError) {
        let app = handle.app
        guard OriginPolicy.allows(handle.origin, patterns: app.allowedOrigins) else { throw .originNotAllowed }
        // max_connections counts the cluster: sockets on the other nodes count against it too.
        let remote = app.maxConnections != nil ? cluster?.remoteConnections(appID: app.id) ?? 0 : 0
        try registry(for: app).withState { state throws(PusherError) in
            if let limit = app.maxConnections, state.connectionCount + remote >= limit { throw .overQuota }
            try state.open(handle)
            clusterConnectionsChanged(app, count: state.connectionCount)
        }
        totals.connectionsOpened.add(1, ordering: .relaxed)
        startSigninDeadline(for: handle)
        metrics.connectionOpened(appID: app.id)
        events.emit {
            EngineEvent(
                kind: .connectionOpened, appID: app.id, socketID: handle.socketID, detail: handle.origin ?? "no origin")
        }
    }

    /// Forgets a closed socket and tells the channels it left.
    func closed(_ handle: ConnectionHandle) {
        let (departures, update) = registry(for: handle.app).withState { state in
            let departures = state.close(socketID: handle.socketID)
            clusterConnectionsChanged(handle.app, count: state.connectionCount)
            return (departures, clusterShareChanged(state, app: handle.app, departures: departures))
        }
        totals.connectionsClosed.add(1, ordering: .relaxed)
        signOut(handle)
        metrics.connectionClosed(appID: handle.app.id)
        for departure in departures { announce(departure, of: handle, clustered: update != nil) }
        if let update { settle(update, departures: departures, of: handle) }
        events.emit {
            let lifetime = Int(Date().timeIntervalSince(handle.connectedAt))
            return EngineEvent(
                kind: .connectionClosed, appID: handle.app.id, socketID: handle.socketID,
                detail: "after \(lifetime)s, \(departures.count) channel(s)")
        }
    }

    /// With `clustered`, the cluster decides about `member_removed`, webhooks and counts (see `settle`).
    private func announce(_ departure: Departure, of handle: ConnectionHandle, clustered: Bool = false) {
        let appID = handle.app.id
        events.emit {
            EngineEvent(kind: .unsubscribed, appID: appID, socketID: handle.socketID, channel: departure.channel)
        }
        if departure.vacated { metrics.channelVacated(appID: appID) }
        if !clustered, let (userID, recipients) = departure.memberRemoved {
            metrics.userLeft(appID: appID)
            BroadcastWriter.write(
                ServerMessage.memberRemoved(channel: departure.channel, userID: userID), to: recipients)
            events.emit {
                EngineEvent(
                    kind: .memberRemoved, appID: appID, socketID: handle.socketID, channel: departure.channel,
                    detail: "user \(userID.jsonText)")
            }
            webhook(.memberRemoved, app: handle.app, channel: departure.channel, userID: userID)
        }
        if departure.vacated {
            events.emit { EngineEvent(kind: .channelVacated, appID: appID, channel: departure.channel) }
            if !clustered { webhook(.channelVacated, app: handle.app, channel: departure.channel) }
        }
        if !clustered { subscriptionCountChanged(on: departure.channel, app: handle.app, loop: handle.eventLoop) }
    }

    // MARK: Inbound messages

    /// Handles one decoded client message from `handle`. Replies go straight to the socket.
    func received(_ message: ClientMessage, from handle: ConnectionHandle) {
        switch message {
        case .subscribe(let channel, _, _) where channel.hasPrefix(UserChannel.prefix):
            // The same name rules as every channel: `#server-to-user-` alone names nobody.
            do throws(PusherError) {
                try SubscriptionRules.checkName(channel)
            } catch {
                return reject(handle, with: error, channel: channel, event: "pusher:subscribe")
            }
            subscribeToUserChannel(handle, channel: channel)
        case .signin(let auth, let userData):
            signIn(handle, auth: auth, userData: userData)
        case .subscribe(let channel, let auth, let channelData):
            subscribe(handle, to: channel, auth: auth, channelData: channelData)
        case .unsubscribe(let channel):
            let (departure, update) = registry(for: handle.app).withState { state in
                let departure = state.unsubscribe(socketID: handle.socketID, channel: channel)
                return (
                    departure, clusterShareChanged(state, app: handle.app, departures: departure.map { [$0] } ?? [])
                )
            }
            if let departure {
                announce(departure, of: handle, clustered: update != nil)
                if let update { settle(update, departures: [departure], of: handle) }
            }
        case .ping:
            reply(ServerMessage.pong, event: "pusher:pong", to: handle)
        case .pong, .ignored:
            break
        case .clientEvent(let event, let channel, let data):
            do {
                try relayClientEvent(event, channel: channel, data: data, from: handle)
            } catch {
                reject(handle, with: error, channel: channel, event: event)
            }
        }
    }

    /// Sends one message to one socket; `event` names it for observers.
    func reply(_ message: ByteBuffer, event: String, channel: String? = nil, to handle: ConnectionHandle) {
        metrics.sent(appID: handle.app.id)
        handle.send(message)
        events.emit {
            EngineEvent(
                kind: .messageSent, appID: handle.app.id, socketID: handle.socketID, channel: channel, event: event,
                payload: String(buffer: message))
        }
    }

    /// Sends a non-fatal `pusher:error`; the socket stays open.
    func reject(_ handle: ConnectionHandle, with error: PusherError, channel: String? = nil, event: String? = nil) {
        metrics.sent(appID: handle.app.id)
        ProductionLog.rejectedMessage(handle, error, channel: channel, event: event, logger: logger)
        handle.send(ServerMessage.error(error))
        events.emit {
            EngineEvent(
                kind: .error, appID: handle.app.id, socketID: handle.socketID, channel: channel, event: event,
                code: error.code, detail: error.message)
        }
    }

    /// Sends a fatal `pusher:error` followed by a close frame with the same code.
    func fail(_ handle: ConnectionHandle, with error: PusherError, kind: EngineEvent.Kind = .error) {
        metrics.sent(appID: handle.app.id)
        ProductionLog.connectionFailed(handle, error, logger: logger)
        handle.fail(with: error)
        events.emit {
            EngineEvent(
                kind: kind, appID: handle.app.id, socketID: handle.socketID, code: error.code, detail: error.message)
        }
    }

    private func subscribe(_ handle: ConnectionHandle, to channel: String, auth: String?, channelData: String?) {
        let app = handle.app
        let kind = ChannelKind(channelName: channel)
        do throws(PusherError) {
            try SubscriptionRules.checkName(channel)
        } catch {
            return reject(handle, with: error, event: "pusher:subscribe")
        }
        let registry = registry(for: app)
        if kind.requiresAuthorization {
            guard
                ChannelAuthorizer.isAuthorized(
                    auth: auth, key: registry.signingKey, socketID: handle.socketID, channel: channel,
                    channelData: channelData)
            else { return reject(handle, with: .unauthorized, channel: channel, event: "pusher:subscribe") }
        }
        var memberData: JSONValue?
        var userID: JSONValue?
        if kind.access == .presence {
            do throws(PusherError) {
                let member = try SubscriptionRules.presenceMember(channelData: channelData)
                memberData = member.data
                userID = member.userID
            } catch {
                return reject(handle, with: error, channel: channel, event: "pusher:subscribe")
            }
        }
        let limits = configuration.limits
        // The caps are checked under the same lock that admits the subscription, so racing sockets cannot pass
        // them together.
        func checkCaps(_ state: AppState) throws(PusherError) {
            try SubscriptionRules.checkCaps(state, socketID: handle.socketID, channel: channel, limits: limits)
        }
        if let cluster, cluster.isConnected {
            do throws(PusherError) {
                try registry.withState { state throws(PusherError) in try checkCaps(state) }
            } catch {
                return reject(handle, with: error, channel: channel, event: "pusher:subscribe")
            }
            return clusterSubscribe(
                handle, to: channel, kind: kind, userID: userID, memberData: memberData, cluster: cluster)
        }
        let outcome: SubscribeOutcome
        do throws(PusherError) {
            outcome = try registry.withState { state throws(PusherError) in
                try checkCaps(state)
                return state.subscribe(handle, to: channel, userID: userID, channelData: memberData, now: Date())
            }
        } catch {
            return reject(handle, with: error, channel: channel, event: "pusher:subscribe")
        }
        completeSubscription(handle, to: channel, kind: kind, outcome: outcome, userID: userID, memberData: memberData)
    }

    /// Replies to a subscription from this node's own state: the path without a cluster, and the fallback
    /// when Redis does not answer.
    func completeSubscription(
        _ handle: ConnectionHandle, to channel: String, kind: ChannelKind, outcome: SubscribeOutcome,
        userID: JSONValue?, memberData: JSONValue?
    ) {
        let app = handle.app
        // Others hear of the new member before the joiner hears its reply: the joiner's next action (another
        // socket joining, say) then cannot overtake this announcement.
        if let memberData {
            BroadcastWriter.write(
                ServerMessage.memberAdded(channel: channel, channelData: memberData), to: outcome.memberAddedRecipients)
        }
        reply(
            ServerMessage.subscriptionSucceeded(channel: channel, presence: outcome.presence),
            event: "pusher_internal:subscription_succeeded", channel: channel, to: handle)
        switch outcome.cache {
        case .some(.some(let cached)): reply(cached, event: "cached event", channel: channel, to: handle)
        case .some(.none):
            reply(ServerMessage.cacheMiss(channel: channel), event: "pusher:cache_miss", channel: channel, to: handle)
        case .none: break
        }
        events.emit {
            EngineEvent(
                kind: .subscribed, appID: app.id, socketID: handle.socketID, channel: channel, detail: kind.label)
        }
        if outcome.channelOccupied {
            metrics.channelOccupied(appID: app.id)
            events.emit { EngineEvent(kind: .channelOccupied, appID: app.id, channel: channel, detail: kind.label) }
            webhook(.channelOccupied, app: app, channel: channel)
        }
        if case .some(.none) = outcome.cache { webhook(.cacheMiss, app: app, channel: channel) }
        if let userID, outcome.userJoined {
            metrics.userJoined(appID: app.id)
            events.emit {
                EngineEvent(
                    kind: .memberAdded, appID: app.id, socketID: handle.socketID, channel: channel,
                    payload: memberData?.jsonText, detail: "user \(userID.jsonText)")
            }
            webhook(.memberAdded, app: app, channel: channel, userID: userID)
        }
        subscriptionCountChanged(on: channel, app: app, loop: handle.eventLoop)
    }

    private func relayClientEvent(
        _ event: String, channel: String, data: JSONValue?, from handle: ConnectionHandle
    ) throws(PusherError) {
        let app = handle.app
        if app.acceptClientEventsFrom == .none { throw .clientEventsDisabled }
        guard ChannelKind(channelName: channel).acceptsClientEvents else { throw .clientEventsNotAllowedOnChannel }
        let subscriber = registry(for: app).withState { $0.subscriber(socketID: handle.socketID, channel: channel) }
        if app.acceptClientEventsFrom == .members, subscriber == nil { throw .notAMember }
        let payload = ServerMessage.clientEvent(name: event, channel: channel, data: data, userID: subscriber?.userID)
        deliver(
            payload, event: event, channel: channel, in: registry(for: app), excluding: handle.socketID,
            kind: .clientEvent)
        clusterPublish(
            payload, event: event, channel: channel, app: app, excluding: handle.socketID, kind: .clientEvent)
        clientEventWebhook(event, channel: channel, data: data, from: handle, userID: subscriber?.userID)
    }

    // MARK: Delivery

    /// The one delivery path: API events, batch items, client events and console injections all end here.
    /// Returns how many connections the message was written to. `acceptedAt` (API events) times the broadcast.
    @discardableResult
    func deliver(
        _ payload: ByteBuffer, event: String, channel: String, in registry: AppRegistry, excluding socketID: String?,
        kind: EngineEvent.Kind, acceptedAt: NIODeadline? = nil
    ) -> Int {
        if channel.hasPrefix(UserChannel.prefix) {
            return deliverToUser(payload, event: event, channel: channel, in: registry, excluding: socketID, kind: kind)
        }
        let app = registry.app
        let now = Date()
        let started = NIODeadline.now().uptimeNanoseconds
        let groups = registry.withState {
            $0.broadcast(on: channel, eventName: event, payload: payload, now: now, excluding: socketID)
        }
        // Timing needs one small object per broadcast; a channel nobody is on costs nothing.
        let loops = BroadcastWriter.loops(of: groups)
        let completion =
            loops == 0
            ? nil
            : BroadcastCompletion(
                latency: totals.broadcastLatency, startedAt: started, timer: metrics.broadcastTimer,
                acceptedAt: acceptedAt, loops: loops)
        BroadcastWriter.write(payload, to: groups, completion: completion)
        let delivered = groups.reduce(0) { $0 + $1.count }
        metrics.sent(appID: app.id, count: delivered)
        events.emit {
            EngineEvent(
                kind: kind, time: now, appID: app.id, socketID: socketID, channel: channel, event: event,
                payload: String(buffer: payload), detail: "delivered to \(delivered)")
        }
        return delivered
    }
}
