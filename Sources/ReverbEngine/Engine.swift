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
    let startedAt = Date()

    init(configuration: ServerConfiguration) throws(ConfigurationError) {
        self.configuration = configuration
        self.directory = try ApplicationDirectory(configuration.apps)
        var registries: [String: AppRegistry] = [:]
        for app in configuration.apps { registries[app.id] = AppRegistry(app: app) }
        self.registries = registries
    }

    func registry(for app: Application) -> AppRegistry { registries[app.id]! }

    // MARK: Connections

    /// Admits a new socket: origin, then quota. On success the socket is registered.
    func open(_ handle: ConnectionHandle) throws(PusherError) {
        let app = handle.app
        guard OriginPolicy.allows(handle.origin, patterns: app.allowedOrigins) else { throw .originNotAllowed }
        try registry(for: app).withState { state throws(PusherError) in try state.open(handle) }
        totals.connectionsOpened.add(1, ordering: .relaxed)
        events.emit {
            EngineEvent(
                kind: .connectionOpened, appID: app.id, socketID: handle.socketID, detail: handle.origin ?? "no origin")
        }
    }

    /// Forgets a closed socket and tells the channels it left.
    func closed(_ handle: ConnectionHandle) {
        let departures = registry(for: handle.app).withState { $0.close(socketID: handle.socketID) }
        totals.connectionsClosed.add(1, ordering: .relaxed)
        for departure in departures { announce(departure, of: handle) }
        events.emit {
            let lifetime = Int(Date().timeIntervalSince(handle.connectedAt))
            return EngineEvent(
                kind: .connectionClosed, appID: handle.app.id, socketID: handle.socketID,
                detail: "after \(lifetime)s, \(departures.count) channel(s)")
        }
    }

    private func announce(_ departure: Departure, of handle: ConnectionHandle) {
        let appID = handle.app.id
        events.emit {
            EngineEvent(kind: .unsubscribed, appID: appID, socketID: handle.socketID, channel: departure.channel)
        }
        if let (userID, recipients) = departure.memberRemoved {
            BroadcastWriter.write(
                ServerMessage.memberRemoved(channel: departure.channel, userID: userID), to: recipients)
            events.emit {
                EngineEvent(
                    kind: .memberRemoved, appID: appID, socketID: handle.socketID, channel: departure.channel,
                    detail: "user \(userID.jsonText)")
            }
        }
        if departure.vacated {
            events.emit { EngineEvent(kind: .channelVacated, appID: appID, channel: departure.channel) }
        }
    }

    // MARK: Inbound messages

    /// Handles one decoded client message from `handle`. Replies go straight to the socket.
    func received(_ message: ClientMessage, from handle: ConnectionHandle) {
        switch message {
        case .subscribe(let channel, let auth, let channelData):
            subscribe(handle, to: channel, auth: auth, channelData: channelData)
        case .unsubscribe(let channel):
            if let departure = registry(for: handle.app).withState({
                $0.unsubscribe(socketID: handle.socketID, channel: channel)
            }) {
                announce(departure, of: handle)
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
        handle.send(message)
        events.emit {
            EngineEvent(
                kind: .messageSent, appID: handle.app.id, socketID: handle.socketID, channel: channel, event: event,
                payload: String(buffer: message))
        }
    }

    /// Sends a non-fatal `pusher:error`; the socket stays open.
    func reject(_ handle: ConnectionHandle, with error: PusherError, channel: String? = nil, event: String? = nil) {
        handle.send(ServerMessage.error(error))
        events.emit {
            EngineEvent(
                kind: .error, appID: handle.app.id, socketID: handle.socketID, channel: channel, event: event,
                code: error.code, detail: error.message)
        }
    }

    /// Sends a fatal `pusher:error` followed by a close frame with the same code.
    func fail(_ handle: ConnectionHandle, with error: PusherError, kind: EngineEvent.Kind = .error) {
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
        if kind.requiresAuthorization {
            guard
                ChannelAuthorizer.isAuthorized(
                    auth: auth, secret: app.secret, socketID: handle.socketID, channel: channel,
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
        let admitted = registry(for: app).withState { state -> Result<SubscribeOutcome, PusherError> in
            do throws(PusherError) {
                try SubscriptionRules.checkCaps(state, socketID: handle.socketID, channel: channel, limits: limits)
            } catch {
                return .failure(error)
            }
            return .success(state.subscribe(handle, to: channel, userID: userID, channelData: memberData, now: Date()))
        }
        let outcome: SubscribeOutcome
        switch admitted {
        case .success(let admittedOutcome): outcome = admittedOutcome
        case .failure(let refusal): return reject(handle, with: refusal, channel: channel, event: "pusher:subscribe")
        }
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
            events.emit { EngineEvent(kind: .channelOccupied, appID: app.id, channel: channel, detail: kind.label) }
        }
        if let userID, outcome.userJoined {
            events.emit {
                EngineEvent(
                    kind: .memberAdded, appID: app.id, socketID: handle.socketID, channel: channel,
                    payload: memberData?.jsonText, detail: "user \(userID.jsonText)")
            }
        }
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
    }

    // MARK: Delivery

    /// The one delivery path: API events, batch items, client events and console injections all end here.
    /// Returns how many connections the message was written to.
    @discardableResult
    func deliver(
        _ payload: ByteBuffer, event: String, channel: String, in registry: AppRegistry, excluding socketID: String?,
        kind: EngineEvent.Kind
    ) -> Int {
        let app = registry.app
        let now = Date()
        let groups = registry.withState { state in
            state.recordEvent(on: channel, eventName: event, payload: payload, now: now)
            return state.recipients(of: channel, excluding: socketID)
        }
        BroadcastWriter.write(payload, to: groups)
        let delivered = groups.reduce(0) { $0 + $1.count }
        events.emit {
            EngineEvent(
                kind: kind, time: now, appID: app.id, socketID: socketID, channel: channel, event: event,
                payload: String(buffer: payload), detail: "delivered to \(delivered)")
        }
        return delivered
    }
}
