import OrderedCollections
import Synchronization
import Foundation
import NIOCore

/// The engine's side of the cluster seam: what it tells Redis after a local change (under the app's lock, so
/// Redis sees one app's changes in the order they happened) and how it delivers what other nodes send.
extension Engine {
    // MARK: This node's share

    /// This node's whole share of cluster state for one app.
    static func fullShare(of state: AppState, appID: String) -> [ClusterOp] {
        var ops = [ClusterOp.connections(app: appID, count: state.connectionCount)]
        for (name, channel) in state.channels {
            ops.append(.subscriptions(app: appID, channel: name, count: channel.subscribers.count))
            for (key, member) in channel.roster.members {
                ops.append(
                    .presence(
                        app: appID, channel: name, user: key, count: member.connections, member: memberJSON(member)))
            }
        }
        for (user, count) in state.users.signedInCounts { ops.append(.online(app: appID, user: user, count: count)) }
        return ops
    }

    /// This node's share of one channel, and of one presence user on it.
    static func share(of state: AppState, appID: String, channel name: String, userID: JSONValue?) -> [ClusterOp] {
        let channel = state.channel(named: name)
        var ops = [ClusterOp.subscriptions(app: appID, channel: name, count: channel?.subscribers.count ?? 0)]
        if let userID, let key = PresenceRoster.key(for: userID) {
            let member = channel?.roster.members[key]
            ops.append(
                .presence(
                    app: appID, channel: name, user: key, count: member?.connections ?? 0,
                    member: member.map(memberJSON) ?? ""))
        }
        return ops
    }

    /// `{"user_id":…,"user_info":…}`: the `data` of `member_added`.
    static func memberJSON(_ member: PresenceRoster.Member) -> String {
        var members = [JSONMember("user_id", member.userID)]
        if let info = member.userInfo { members.append(JSONMember("user_info", info)) }
        return JSONValue.object(members).jsonText
    }

    /// Call under the app's lock after its socket count changed.
    func clusterConnectionsChanged(_ app: Application, count: Int) {
        guard let cluster, cluster.isConnected else { return }
        _ = cluster.update(appID: app.id, ops: [.connections(app: app.id, count: count)])
        // Other nodes check max_connections against this count before Redis could be asked.
        if app.maxConnections != nil { cluster.broadcast(.connections(appID: app.id, count: count)) }
    }

    /// Call under the app's lock after sockets left channels; nil when the cluster cannot answer (then the
    /// local roster decides about `member_removed`).
    func clusterShareChanged(
        _ state: AppState, app: Application, departures: [Departure]
    ) -> EventLoopFuture<ClusterUpdate>? {
        guard let cluster, cluster.isConnected, !departures.isEmpty else { return nil }
        let ops = departures.flatMap {
            Engine.share(of: state, appID: app.id, channel: $0.channel, userID: $0.userID)
        }
        return cluster.update(appID: app.id, ops: ops)
    }

    /// Delivers what the cluster decided about departures, or the local decision when Redis did not answer.
    func settle(_ update: EventLoopFuture<ClusterUpdate>, departures: [Departure], of handle: ConnectionHandle) {
        update.whenComplete { result in
            switch result {
            case .success(let answer):
                self.deliverTransitions(answer.transitions, excluding: nil)
                self.recordClusterWebhooks(answer.webhooks)
            case .failure:
                for departure in departures {
                    if let (userID, recipients) = departure.memberRemoved {
                        BroadcastWriter.write(
                            ServerMessage.memberRemoved(channel: departure.channel, userID: userID), to: recipients)
                        self.webhook(.memberRemoved, app: handle.app, channel: departure.channel, userID: userID)
                    }
                    if departure.vacated { self.webhook(.channelVacated, app: handle.app, channel: departure.channel) }
                    self.subscriptionCountChanged(on: departure.channel, app: handle.app, loop: handle.eventLoop)
                }
            }
        }
    }

    /// Hands the dispatcher what the cluster decided this node sends (already held back where due).
    func recordClusterWebhooks(_ hooks: [ClusterWebhook]) {
        for hook in hooks {
            guard let app = directory.app(id: hook.appID), !app.webhooks.isEmpty else { continue }
            webhooks.record(hook.event, app: app, smoothed: true)
        }
    }

    // MARK: Subscribing

    /// Subscribes `handle` here, then answers with the cluster's view: the presence roster of every node, the
    /// cluster-wide cached event, `member_added` only for a user's first socket anywhere. Replying after Redis
    /// has the subscription also means any node's API counts it once the client sees `subscription_succeeded`.
    func clusterSubscribe(
        _ handle: ConnectionHandle, to channel: String, kind: ChannelKind, userID: JSONValue?, memberData: JSONValue?,
        cluster: Cluster
    ) {
        let app = handle.app
        let wantsRoster = kind.access == .presence
        let wantsCache = kind.isCache
        let counted = app.subscriptionCount && kind.access != .presence
        let (outcome, update) = registry(for: app).withState { state in
            let outcome = state.subscribe(handle, to: channel, userID: userID, channelData: memberData, now: Date())
            if counted { state.subscriptionCounts.hold(channel: channel, socketID: handle.socketID) }
            let ops = Engine.share(of: state, appID: app.id, channel: channel, userID: userID)
            let query = (channel, wantsRoster, wantsCache)
            return (outcome, cluster.update(appID: app.id, ops: ops, query: query, socket: handle.socketID))
        }
        update.whenComplete { result in
            guard case .success(let answer) = result else {
                if counted {
                    self.registry(for: app).withState {
                        $0.subscriptionCounts.release(channel: channel, socketID: handle.socketID, version: nil)
                    }
                }
                return self.completeSubscription(
                    handle, to: channel, kind: kind, outcome: outcome, userID: userID, memberData: memberData)
            }
            var roster: PresenceRoster?
            if wantsRoster {
                var members = PresenceRoster()
                for (_, text) in answer.roster {
                    guard let member = try? JSONParser.parse(text), let id = member["user_id"] else { continue }
                    _ = members.join(userID: id, userInfo: member["user_info"])
                }
                roster = members
            }
            self.reply(
                ServerMessage.subscriptionSucceeded(channel: channel, presence: roster),
                event: "pusher_internal:subscription_succeeded", channel: channel, to: handle)
            self.recordClusterWebhooks(answer.webhooks)
            if wantsCache {
                if let cached = answer.cache {
                    self.reply(
                        ServerMessage.allocator.buffer(string: cached), event: "cached event", channel: channel,
                        to: handle)
                } else {
                    self.reply(
                        ServerMessage.cacheMiss(channel: channel), event: "pusher:cache_miss", channel: channel,
                        to: handle)
                    self.webhook(.cacheMiss, app: app, channel: channel)
                }
            }
            // The cluster's counts reach subscribers from the stream, which may lag behind this reply or run
            // ahead of it: this socket was held out of them until now, gets the newest count known here, and
            // from then on only newer ones.
            if counted {
                let count = self.registry(for: app).withState { state in
                    var newest = (count: answer.count, version: answer.countVersion)
                    if let seen = state.subscriptionCounts.latestVersioned(channel: channel),
                        seen.version > newest.version
                    {
                        newest = seen
                    }
                    state.subscriptionCounts.release(
                        channel: channel, socketID: handle.socketID, version: newest.version)
                    return newest.count
                }
                if count > 0 {
                    self.reply(
                        ServerMessage.subscriptionCount(channel: channel, count: count),
                        event: "pusher_internal:subscription_count", channel: channel, to: handle)
                }
            }
            self.deliverTransitions(answer.transitions, excluding: handle.socketID)
            self.events.emit {
                EngineEvent(
                    kind: .subscribed, appID: app.id, socketID: handle.socketID, channel: channel, detail: kind.label)
            }
            if outcome.channelOccupied {
                self.events.emit {
                    EngineEvent(kind: .channelOccupied, appID: app.id, channel: channel, detail: kind.label)
                }
            }
        }
    }

    // MARK: Delivering

    /// Queues a locally delivered message for the other nodes. Cache channels also keep it as the cluster's
    /// cached event.
    func clusterPublish(
        _ payload: ByteBuffer, event: String, channel: String, app: Application, excluding: String?,
        kind: EngineEvent.Kind
    ) {
        guard let cluster else { return }
        let text = String(buffer: payload)
        let body = ClusterEnvelope.Body.event(
            appID: app.id, channel: channel, event: event, payload: text, excluding: excluding, kind: kind.rawValue)
        let cached = ChannelKind(channelName: channel).isCache ? (app.id, channel, text) : nil
        cluster.broadcast(body, cachedChannel: cached)
    }

    func deliverTransitions(_ transitions: [ClusterTransition], excluding socketID: String?) {
        for transition in transitions {
            deliverMember(
                added: transition.kind == .added, appID: transition.appID, channel: transition.channel,
                member: transition.member, excluding: transition.kind == .added ? socketID : nil)
        }
    }

    /// `member_added` or `member_removed` to this node's subscribers of a presence channel.
    func deliverMember(added: Bool, appID: String, channel: String, member: String, excluding: String?) {
        guard let app = directory.app(id: appID), let value = try? JSONParser.parse(member),
            let userID = value["user_id"]
        else { return }
        let recipients = registry(for: app).withState { $0.recipients(of: channel, excluding: excluding) }
        let message =
            added
            ? ServerMessage.memberAdded(channel: channel, channelData: value)
            : ServerMessage.memberRemoved(channel: channel, userID: userID)
        BroadcastWriter.write(message, to: recipients)
        events.emit {
            EngineEvent(
                kind: added ? .memberAdded : .memberRemoved, appID: appID, channel: channel,
                payload: added ? member : nil, detail: "user \(userID.jsonText)")
        }
    }

    /// What another node sent: delivered through the same local paths as this node's own messages.
    func clusterReceived(_ body: ClusterEnvelope.Body) {
        switch body {
        case .event(let appID, let channel, let event, let payload, let excluding, let kind):
            guard let app = directory.app(id: appID) else { return }
            deliver(
                ServerMessage.allocator.buffer(string: payload), event: event, channel: channel,
                in: registry(for: app), excluding: excluding, kind: EngineEvent.Kind(rawValue: kind) ?? .apiMessage)
        case .memberAdded(let appID, let channel, let member):
            deliverMember(added: true, appID: appID, channel: channel, member: member, excluding: nil)
        case .memberRemoved(let appID, let channel, let member):
            deliverMember(added: false, appID: appID, channel: channel, member: member, excluding: nil)
        case .terminate(let appID, let userID):
            _ = terminateLocalUser(appID: appID, userID: userID)
        case .close(let appID, let socketID, let code):
            _ = closeLocalConnection(appID: appID, socketID: socketID, code: code)
        case .subscriptionCount(let appID, let channel, let count, let version, let node, let excluding):
            guard let app = directory.app(id: appID), let cluster else { return }
            subscriptionCountChanged(
                on: channel, app: app, loop: cluster.loop, clusterCount: (count, version),
                excluding: node == cluster.nodeID ? excluding : nil)
        case .presenceOfUser(let appID, let userID, let online):
            guard let app = directory.app(id: appID) else { return }
            watchedUserChanged(userID, online: online, app: app)
        case .connections, .nodeGone, .restart:
            break
        }
    }
}
