import DequeModule
import Foundation
import NIOCore
import Synchronization

/// This node's seam to the other nodes of a cluster sharing one Redis (docs/architecture.md, "Cluster").
///
/// Events are delivered locally at once and appended, tagged with this node's id, to a Redis stream that every
/// node reads (skipping its own), so a Redis outage never delays local delivery and an accepted event waits
/// in the outbox until Redis is back. Presence, subscription and connection counts live in Redis as each
/// node's share, changed by atomic scripts; a node that stops heart-beating has its share removed by the
/// others.
final class Cluster: Sendable {
    let nodeID: String
    let configuration: ScalingConfiguration
    let prefix: String
    let loop: any EventLoop
    /// Commands: state scripts, stream appends, heartbeats, API reads (Reverb's "publisher").
    let commands: RedisClient
    /// Blocks reading the envelope stream (Reverb's "subscriber").
    private let reader: RedisClient
    /// Pub/sub on the scaling channel, for cluster-wide restarts.
    private let control: RedisClient
    let engine: Engine
    private let outbox: Mutex<ClusterOutbox>
    private let state = Mutex(State())
    private let onRestart: Mutex<(@Sendable () -> Void)?> = Mutex(nil)
    private let heartbeatTask = Mutex<RepeatedTask?>(nil)
    private let heldWebhooksTask = Mutex<RepeatedTask?>(nil)
    /// Whether a console watches, and the cluster-wide view read for it (`Cluster+View`).
    let watching = Mutex(ClusterWatch())

    static let heartbeatInterval = TimeAmount.seconds(1)
    /// How often a node with webhooks asks Redis for held webhook events that are due (docs/webhooks.md).
    static let heldWebhooksInterval = TimeAmount.milliseconds(250)
    /// A node missing heartbeats this long is dead to the others.
    static let aliveMilliseconds = 5_000
    static let streamLength = "100000"

    private struct State {
        var lastSequence: [String: Int] = [:]
        var lastStreamID: String?
        var readerGeneration = 0
        var epoch: String?
        var connectedAt: Date?
        var tick = 0
        /// app → node → sockets, other nodes only.
        var remoteConnections: [String: [String: Int]] = [:]
        var nodes: [ClusterState.Node] = []
        var listeningAddress = ""
    }

    init(
        engine: Engine, configuration: ScalingConfiguration, loop: any EventLoop, outboxCapacity: Int = 10_000
    )
        throws
    {
        self.engine = engine
        self.configuration = configuration
        self.prefix = configuration.channel
        self.loop = loop
        self.nodeID = (0..<12).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
        self.outbox = Mutex(ClusterOutbox(capacity: outboxCapacity))
        let box = WeakCluster()
        let status: @Sendable (RedisClient, RedisClient.Status) -> Void = { client, status in
            box.cluster?.statusChanged(client, status)
        }
        commands = try RedisClient(
            name: "publisher", endpoint: configuration.redis, loop: loop,
            setup: ClusterScripts.all.map { ["SCRIPT", "LOAD", $0.source] }, onStatus: status)
        reader = try RedisClient(name: "subscriber", endpoint: configuration.redis, loop: loop, onStatus: status)
        control = try RedisClient(
            name: "control", endpoint: configuration.redis, loop: loop, subscriptions: [configuration.channel],
            onPush: { _, payload in box.cluster?.controlMessage(String(buffer: payload)) }, onStatus: status)
        box.cluster = self
    }

    /// Connects and starts heart-beating; never fails (Redis may come later).
    func start(listeningAddress: String, onRestart: @escaping @Sendable () -> Void) {
        state.withLock { $0.listeningAddress = listeningAddress }
        self.onRestart.withLock { $0 = onRestart }
        commands.start()
        reader.start()
        control.start()
        let task = loop.scheduleRepeatedTask(initialDelay: Self.heartbeatInterval, delay: Self.heartbeatInterval) {
            [weak self] _ in self?.heartbeat()
        }
        heartbeatTask.withLock { $0 = task }
        if engine.directory.all.contains(where: { !$0.webhooks.isEmpty }) {
            let poll = loop.scheduleRepeatedTask(
                initialDelay: Self.heldWebhooksInterval, delay: Self.heldWebhooksInterval
            ) { [weak self] _ in self?.popHeldWebhooks(last: false) }
            heldWebhooksTask.withLock { $0 = poll }
        }
    }

    /// Removes this node's share (a clean leave: others get `member_removed` now, not after the heartbeat
    /// expires) and closes the connections.
    func stop() async {
        heartbeatTask.withLock { $0?.cancel() }
        heldWebhooksTask.withLock { $0?.cancel() }
        if commands.isConnected {
            let arguments = updateArguments(silent: false, mode: "replace", query: nil, flags: "hnk", socket: "")
            let engine = engine
            let leave: [EventLoopFuture<Void>] = [
                commands.send(["EVALSHA", ClusterScripts.update.sha, "0"] + arguments).map { reply in
                    engine.recordClusterWebhooks(ClusterUpdate(reply).webhooks)
                },
                commands.send(["DEL", key("alive", nodeID)]).map { _ in () },
                commands.send(["HDEL", key("nodes"), nodeID]).map { _ in () },
                // The last node leaving sends what is still held rather than leave it for a later start.
                popHeldWebhooks(last: true),
            ]
            // Bounded: a Redis that stopped answering must not hold up the shutdown.
            _ = try? await EventLoopFuture.andAllComplete(leave, on: loop).timeout(after: .seconds(2), on: loop).get()
        }
        _ = try? await commands.stop().get()
        _ = try? await reader.stop().get()
        _ = try? await control.stop().get()
    }

    var isConnected: Bool { commands.isConnected }

    func key(_ parts: String...) -> String { ([prefix] + parts).joined(separator: ":") }

    // MARK: Status and --debug lines

    private func statusChanged(_ client: RedisClient, _ status: RedisClient.Status) {
        let (title, detail): (String, String)
        switch status {
        case .connected: (title, detail) = ("Redis connection established", client.name)
        case .lost(let reason): (title, detail) = ("Disconnected from Redis", "\(client.name): \(reason)")
        case .reconnecting(let attempt):
            (title, detail) = ("Attempting reconnection to Redis", "\(client.name), attempt \(attempt)")
        }
        engine.events.emit { EngineEvent(kind: .cluster, appID: "", event: title, detail: detail) }
        switch status {
        case .connected: ProductionLog.redisEvent("connected", role: client.name, logger: engine.logger)
        case .lost(let reason):
            ProductionLog.redisEvent("disconnected", role: client.name, detail: reason, logger: engine.logger)
        case .reconnecting(let attempt):
            ProductionLog.redisEvent(
                "reconnecting", role: client.name, detail: "attempt \(attempt)", logger: engine.logger)
        }
        if client === commands {
            if case .connected = status {
                engine.metrics.redis(connected: true)
            } else {
                engine.metrics.redis(connected: false)
            }
        }
        if case .lost = status, client === commands {
            outbox.withLock { box in
                box.live = false
                box.inFlight = 0
            }
        }
        guard case .connected = status else { return }
        if client === commands {
            commandsConnected()
        } else if client === reader {
            readerConnected()
        }
    }

    /// Scripts loaded, the data set's epoch checked, this node's share re-written, the outbox resent.
    private func commandsConnected() {
        state.withLock { $0.connectedAt = Date() }
        let fresh = (0..<16).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
        commands.sendAndForget(["SET", key("epoch"), fresh, "NX"])
        heartbeat()
        commands.send(["GET", key("epoch")]).whenComplete { result in
            let epoch = (try? result.get())?.string
            // A new epoch means Redis lost its data (a restart without persistence): the other nodes knew these
            // members already, so the re-sync must not announce them again.
            let silent = self.state.withLock { state in
                defer { state.epoch = epoch }
                return state.epoch != nil && state.epoch != epoch
            }
            self.resynchronize(silent: silent)
            self.resendOutbox()
        }
    }

    /// Rewrites this node's whole share from local truth, one app at a time under that app's lock.
    private func resynchronize(silent: Bool) {
        for registry in engine.registries.values {
            registry.withState { state in
                let ops = Engine.fullShare(of: state, appID: registry.app.id)
                update(
                    appID: registry.app.id, ops: ops, mode: "replace", silent: silent,
                    query: (channel: "", roster: false, cache: false)
                ).whenSuccess { self.engine.recordClusterWebhooks($0.webhooks) }
            }
        }
    }

    // MARK: Outbox

    /// False when the outbox is full (the API answers 503).
    func hasRoom(for count: Int) -> Bool { outbox.withLock { $0.hasRoom(for: count) } }

    /// Queues an envelope for every other node; false when the outbox is full.
    @discardableResult
    func broadcast(
        _ body: ClusterEnvelope.Body, cachedChannel: (appID: String, channel: String, payload: String)? = nil
    )
        -> Bool
    {
        outbox.withLock { box in
            guard
                let entry = box.append({ sequence in
                    let text = ClusterEnvelope(origin: nodeID, sequence: sequence, body: body).jsonText
                    if let cached = cachedChannel {
                        return [
                            "EVALSHA", ClusterScripts.publishCached.sha, "0", prefix, cached.appID, cached.channel,
                            text, cached.payload,
                        ]
                    }
                    return ["XADD", key("events"), "MAXLEN", "~", Self.streamLength, "*", "e", text]
                })
            else { return false }
            engine.metrics.redisEnvelopePublished()
            if box.live && commands.isConnected && box.inFlight == box.entries.count - 1 {
                box.inFlight += 1
                send(entry)
            }
            return true
        }
    }

    private func send(_ entry: ClusterOutbox.Entry) {
        commands.send(entry.command).whenComplete { result in
            switch result {
            case .success, .failure(RedisError.reply(_)), .failure(RedisError.malformed(_)):
                // An error reply would fail again on every resend: it is dropped rather than block the queue.
                self.outbox.withLock { $0.acknowledge(through: entry.sequence) }
            case .failure:
                break  // Connection lost: resent on reconnect.
            }
        }
    }

    private func resendOutbox() {
        outbox.withLock { box in
            box.inFlight = 0
            for entry in box.entries {
                box.inFlight += 1
                send(entry)
            }
            box.live = true
        }
    }

    // MARK: State

    /// Sends this node's new share values; the reply carries presence transitions, the webhooks this node is
    /// to send and the queried reads. `socket` is the subscribing socket, if any.
    func update(
        appID: String, ops: [ClusterOp], mode: String = "set", silent: Bool = false,
        query: (channel: String, roster: Bool, cache: Bool)? = nil, socket: String = ""
    ) -> EventLoopFuture<ClusterUpdate> {
        let flags = engine.directory.app(id: appID).map(Self.flags(for:)) ?? ""
        var arguments = updateArguments(
            silent: silent, mode: mode, query: query.map { (appID, $0) }, flags: flags, socket: socket)
        for op in ops { arguments += [op.field, String(op.value), op.member] }
        return commands.send(["EVALSHA", ClusterScripts.update.sha, "0"] + arguments).map(ClusterUpdate.init)
    }

    private func updateArguments(
        silent: Bool, mode: String, query: (appID: String, (channel: String, roster: Bool, cache: Bool))?,
        flags: String, socket: String
    ) -> [String] {
        [
            prefix, nodeID, silent ? "1" : "0", mode, query?.appID ?? "", query?.1.channel ?? "",
            query?.1.roster == true ? "1" : "0", query?.1.cache == true ? "1" : "0", flags, socket,
        ]
    }

    /// What the scripts track for an app (see `ClusterScripts`): `h` occupancy and member webhooks, `n`
    /// cluster-wide subscription counts, `k` `subscription_count` webhooks.
    static func flags(for app: Application) -> String {
        let occupancy: Set<WebhookEventType> = [.channelOccupied, .channelVacated, .memberAdded, .memberRemoved]
        var flags = ""
        if app.webhooks.contains(where: { !$0.eventTypes.isDisjoint(with: occupancy) }) { flags += "h" }
        if app.subscriptionCount {
            flags += "n"
            if app.webhooks.contains(where: { $0.eventTypes.contains(.subscriptionCount) }) { flags += "k" }
        }
        return flags
    }

    /// Sends the held webhook events that are due (all of them when `last` and no other node is alive).
    @discardableResult
    func popHeldWebhooks(last: Bool) -> EventLoopFuture<Void> {
        guard commands.isConnected else { return loop.makeSucceededVoidFuture() }
        let engine = engine
        return commands.send(["EVALSHA", ClusterScripts.due.sha, "0", prefix, nodeID, last ? "1" : "0"]).map { reply in
            engine.recordClusterWebhooks(ClusterWebhook.list(reply))
        }
    }

    /// Of `userIDs`, those with a signed-in socket on any node.
    func online(appID: String, userIDs: [String]) -> EventLoopFuture<[String]> {
        var seen = Set<String>()
        let userIDs = userIDs.filter { seen.insert($0).inserted }
        guard !userIDs.isEmpty else { return loop.makeSucceededFuture([]) }
        return commands.send(["HMGET", key("online", appID)] + userIDs).map { reply in
            zip(userIDs, reply.array ?? []).compactMap { id, value in value.string == nil ? nil : id }
        }
    }

    /// Sockets of `appID` on the other nodes, from their heartbeats and `conns` envelopes.
    func remoteConnections(appID: String) -> Int {
        state.withLock { $0.remoteConnections[appID]?.values.reduce(0, +) ?? 0 }
    }

    // MARK: Reads for the HTTP API

    /// Every occupied channel: name, subscriptions, distinct presence users.
    func channels(appID: String) -> EventLoopFuture<[(name: String, subscriptions: Int, users: Int)]> {
        commands.send(["EVALSHA", ClusterScripts.channels.sha, "0", prefix, appID]).map { reply in
            let items = reply.array ?? []
            return stride(from: 0, to: items.count - 2, by: 3).compactMap { index in
                guard let name = items[index].string else { return nil }
                return (name, items[index + 1].int ?? 0, items[index + 2].int ?? 0)
            }
        }
    }

    /// One channel: subscriptions (0 when vacant), distinct users, cached event.
    func channel(appID: String, name: String) -> EventLoopFuture<(subscriptions: Int, users: Int, cache: String?)> {
        commands.send(["EVALSHA", ClusterScripts.channel.sha, "0", prefix, appID, name]).map { reply in
            let items = reply.array ?? []
            return (
                items.first?.int ?? 0, items.count > 1 ? items[1].int ?? 0 : 0, items.count > 2 ? items[2].string : nil
            )
        }
    }

    /// Member JSON of every distinct user on a presence channel.
    func members(appID: String, channel: String) -> EventLoopFuture<[String]> {
        commands.send(["HVALS", key("members", appID, channel)]).map { reply in
            (reply.array ?? []).compactMap(\.string)
        }
    }

    /// Sockets of the app on every node.
    func connections(appID: String) -> EventLoopFuture<Int> {
        commands.send(["HVALS", key("conns", appID)]).map { reply in
            (reply.array ?? []).compactMap(\.int).reduce(0, +)
        }
    }

    // MARK: Heartbeat

    private func heartbeat() {
        guard commands.isConnected else { return }
        let snapshot = engine.snapshot(listeningAddress: "", fileLimit: 0, includingConnections: false)
        let (address, tick, connectedAt) = state.withLock { state in
            state.tick += 1
            return (state.listeningAddress, state.tick, state.connectedAt)
        }
        let info = JSONValue.object([
            JSONMember("address", .string(address)),
            JSONMember("connections", .number(String(snapshot.apps.reduce(0) { $0 + $1.connectionCount }))),
            JSONMember("messages_in", .number(String(snapshot.counters.messagesIn))),
            JSONMember("messages_out", .number(String(snapshot.counters.messagesOut))),
            JSONMember("started_at", .number(String(Int(engine.startedAt.timeIntervalSince1970)))),
            JSONMember("heartbeat_at", .number(String(Int(Date().timeIntervalSince1970)))),
        ]).jsonText
        commands.sendAndForget(["SET", key("alive", nodeID), "1", "PX", String(Self.aliveMilliseconds)])
        commands.sendAndForget(["HSET", key("nodes"), nodeID, info])
        commands.send(["HGETALL", key("nodes")]).whenSuccess { reply in self.nodesRead(reply.pairs) }
        watchHeartbeat(connections: snapshot.apps.reduce(0) { $0 + $1.connectionCount })
        for app in engine.directory.all where app.maxConnections != nil {
            commands.send(["HGETALL", key("conns", app.id)]).whenSuccess { reply in
                let counts = Dictionary(
                    reply.pairs.filter { $0.0 != self.nodeID }.map { ($0.0, Int($0.1) ?? 0) },
                    uniquingKeysWith: { a, _ in a })
                self.state.withLock { $0.remoteConnections[app.id] = counts }
            }
        }
        // Reaping waits out one liveness period after (re)connecting, so nodes still reconnecting after a
        // Redis restart are not taken for dead.
        // A node without webhooks still clears what a reap held back for apps that have none.
        if heldWebhooksTask.withLock({ $0 == nil }) { popHeldWebhooks(last: false) }
        if tick % 2 == 0, let connectedAt,
            Date().timeIntervalSince(connectedAt) * 1000 > Double(Self.aliveMilliseconds + 1000)
        {
            let engine = engine
            commands.send(["EVALSHA", ClusterScripts.reap.sha, "0", prefix, nodeID]).whenSuccess { reply in
                engine.recordClusterWebhooks(ClusterWebhook.list((reply.array ?? []).last))
            }
        }
    }

    private func nodesRead(_ pairs: [(String, String)]) {
        let nodes = pairs.compactMap { id, text -> ClusterState.Node? in
            guard let info = try? JSONParser.parse(text) else { return nil }
            func number(_ key: String) -> Int {
                if case .number(let literal)? = info[key] { return Int(literal) ?? 0 }
                return 0
            }
            return ClusterState.Node(
                id: id, address: info["address"]?.stringValue ?? "", connections: number("connections"),
                messagesIn: number("messages_in"), messagesOut: number("messages_out"),
                startedAt: Date(timeIntervalSince1970: Double(number("started_at"))),
                heartbeatAt: Date(timeIntervalSince1970: Double(number("heartbeat_at"))), isThisNode: id == nodeID)
        }.sorted { ($0.address, $0.id) < ($1.address, $1.id) }
        state.withLock { $0.nodes = nodes }
    }

    /// The node list as of the last heartbeat.
    var clusterState: ClusterState {
        let nodes = state.withLock { $0.nodes }
        var clusterState = ClusterState(
            nodeID: nodeID, redisAddress: configuration.redis.displayAddress, redisConnected: commands.isConnected,
            nodes: nodes)
        clusterState.view = currentView
        return clusterState
    }

    // MARK: Reading the stream

    private func readerConnected() {
        let generation = state.withLock { state in
            state.readerGeneration += 1
            return state.readerGeneration
        }
        if state.withLock({ $0.lastStreamID }) != nil { return read(generation: generation) }
        // Start from Redis's clock now: nothing older concerns a node that has just started.
        reader.send(["TIME"]).whenComplete { result in
            let items = (try? result.get())?.array ?? []
            let seconds = items.first?.int ?? Int(Date().timeIntervalSince1970)
            let micros = items.count > 1 ? items[1].int ?? 0 : 0
            self.state.withLock { state in
                if state.lastStreamID == nil { state.lastStreamID = "\(seconds * 1000 + micros / 1000)-0" }
            }
            self.read(generation: generation)
        }
    }

    private func read(generation: Int) {
        guard let last = state.withLock({ $0.readerGeneration == generation ? $0.lastStreamID : nil }) else { return }
        reader.send(["XREAD", "COUNT", "1000", "BLOCK", "0", "STREAMS", key("events"), last]).whenComplete { result in
            guard case .success(let reply) = result else { return }  // Reconnect starts a new loop.
            for stream in reply.array ?? [] {
                guard let entries = stream.array?.last?.array else { continue }
                for entry in entries {
                    guard let parts = entry.array, parts.count == 2, let id = parts[0].string else { continue }
                    self.state.withLock { $0.lastStreamID = id }
                    let fields = parts[1].pairs
                    if let text = fields.first(where: { $0.0 == "e" })?.1 { self.received(text) }
                }
            }
            self.read(generation: generation)
        }
    }

    private func received(_ text: String) {
        guard let envelope = ClusterEnvelope(jsonText: text), envelope.origin != nodeID else { return }
        engine.metrics.redisEnvelopeReceived()
        if let sequence = envelope.sequence {
            let fresh = state.withLock { state in
                guard sequence > state.lastSequence[envelope.origin, default: 0] else { return false }
                state.lastSequence[envelope.origin] = sequence
                return true
            }
            guard fresh else { return }
        }
        switch envelope.body {
        case .connections(let appID, let count):
            state.withLock { $0.remoteConnections[appID, default: [:]][envelope.origin] = count }
        case .nodeGone(let node) where node == nodeID:
            // Taken for dead (a stall longer than the heartbeat expiry): announce this node's share again.
            resynchronize(silent: false)
        case .nodeGone(let node):
            state.withLock { state in
                for app in state.remoteConnections.keys { state.remoteConnections[app]?[node] = nil }
                state.lastSequence[node] = nil
            }
        case .restart:
            restartRequested()
        default:
            engine.clusterReceived(envelope.body)
        }
    }

    private func controlMessage(_ text: String) {
        guard let envelope = ClusterEnvelope(jsonText: text), case .restart = envelope.body else { return }
        restartRequested()
    }

    private func restartRequested() {
        engine.events.emit {
            EngineEvent(kind: .cluster, appID: "", event: "Restart requested", detail: "shutting down gracefully")
        }
        onRestart.withLock { $0 }?()
    }
}
