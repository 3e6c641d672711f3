/// One message between nodes on the cluster's Redis stream: our own JSON naming the app by id only, never its
/// secret (docs/architecture.md, "Cluster"). `origin` is the node that sent it; nodes skip their own.
struct ClusterEnvelope: Sendable, Hashable {
    enum Body: Sendable, Hashable {
        /// A Pusher message for one channel, already encoded, with the socket to leave out.
        case event(appID: String, channel: String, event: String, payload: String, excluding: String?, kind: String)
        case memberAdded(appID: String, channel: String, member: String)
        case memberRemoved(appID: String, channel: String, member: String)
        /// Close every socket of a presence user (`terminate_connections`).
        case terminate(appID: String, userID: String)
        /// Close one socket with a code (the console's kick).
        case close(appID: String, socketID: String, code: Int)
        /// A node's socket count for an app changed (for cluster-wide `max_connections`).
        case connections(appID: String, count: Int)
        /// A node stopped heart-beating and its share was removed.
        case nodeGone(node: String)
        /// A channel's subscriptions changed cluster-wide (apps with `subscription_count`); `version` grows
        /// with each count of the app; `node` made the change, and leaves out `excluding` (the joining socket,
        /// whose own reply carries the count).
        case subscriptionCount(
            appID: String, channel: String, count: Int, version: Int, node: String, excluding: String?)
        /// A user's first signed-in socket anywhere (`online`) or their last one left (watchlists).
        case presenceOfUser(appID: String, userID: String, online: Bool)
        /// Every node shuts down gracefully (`reverb-tui restart`).
        case restart
    }

    var origin: String
    /// Per-origin sequence number of envelopes sent through the outbox: a resent one is recognised and dropped.
    var sequence: Int?
    var body: Body

    var jsonText: String {
        var members = [JSONMember("o", .string(origin))]
        if let sequence { members.append(JSONMember("s", .number(String(sequence)))) }
        func add(_ key: String, _ text: String) { members.append(JSONMember(key, .string(text))) }
        switch body {
        case .event(let appID, let channel, let event, let payload, let excluding, let kind):
            add("t", "event")
            add("a", appID)
            add("c", channel)
            add("e", event)
            add("p", payload)
            add("k", kind)
            if let excluding { add("x", excluding) }
        case .memberAdded(let appID, let channel, let member), .memberRemoved(let appID, let channel, let member):
            if case .memberAdded = body { add("t", "member_added") } else { add("t", "member_removed") }
            add("a", appID)
            add("c", channel)
            add("m", member)
        case .terminate(let appID, let userID):
            add("t", "terminate")
            add("a", appID)
            add("u", userID)
        case .close(let appID, let socketID, let code):
            add("t", "close")
            add("a", appID)
            add("sid", socketID)
            members.append(JSONMember("code", .number(String(code))))
        case .connections(let appID, let count):
            add("t", "conns")
            add("a", appID)
            members.append(JSONMember("v", .number(String(count))))
        case .nodeGone(let node):
            add("t", "node_gone")
            add("n", node)
        case .subscriptionCount(let appID, let channel, let count, let version, let node, let excluding):
            add("t", "count")
            add("a", appID)
            add("c", channel)
            add("v", String(count))
            add("n", String(version))
            add("b", node)
            if let excluding { add("x", excluding) }
        case .presenceOfUser(let appID, let userID, let online):
            add("t", online ? "online" : "offline")
            add("a", appID)
            add("u", userID)
        case .restart:
            add("t", "restart")
        }
        return JSONValue.object(members).jsonText
    }

    /// Reads an envelope; nil for anything this version does not know (skipped, never fatal).
    init?(jsonText: String) {
        guard let value = try? JSONParser.parse(jsonText), case .object = value,
            let type = value["t"]?.stringValue
        else { return nil }
        let origin = value["o"]?.stringValue ?? ""
        func text(_ key: String) -> String? { value[key]?.stringValue }
        func number(_ key: String) -> Int? {
            if case .number(let literal)? = value[key] { return Int(literal) }
            return nil
        }
        let body: Body
        switch type {
        case "event":
            guard let app = text("a"), let channel = text("c"), let event = text("e"), let payload = text("p") else {
                return nil
            }
            body = .event(
                appID: app, channel: channel, event: event, payload: payload, excluding: text("x"),
                kind: text("k") ?? "api")
        case "member_added", "member_removed":
            guard let app = text("a"), let channel = text("c"), let member = text("m") else { return nil }
            body =
                type == "member_added"
                ? .memberAdded(appID: app, channel: channel, member: member)
                : .memberRemoved(appID: app, channel: channel, member: member)
        case "terminate":
            guard let app = text("a"), let user = text("u") else { return nil }
            body = .terminate(appID: app, userID: user)
        case "close":
            guard let app = text("a"), let socket = text("sid"), let code = number("code") else { return nil }
            body = .close(appID: app, socketID: socket, code: code)
        case "conns":
            guard let app = text("a"), let count = number("v") else { return nil }
            body = .connections(appID: app, count: count)
        case "node_gone":
            guard let node = text("n") else { return nil }
            body = .nodeGone(node: node)
        case "count":
            guard let app = text("a"), let channel = text("c"), let count = text("v").flatMap({ Int($0) }) else {
                return nil
            }
            body = .subscriptionCount(
                appID: app, channel: channel, count: count, version: text("n").flatMap { Int($0) } ?? 0,
                node: text("b") ?? "", excluding: text("x"))
        case "online", "offline":
            guard let app = text("a"), let user = text("u") else { return nil }
            body = .presenceOfUser(appID: app, userID: user, online: type == "online")
        case "restart":
            body = .restart
        default:
            return nil
        }
        self.init(origin: origin, sequence: number("s"), body: body)
    }

    init(origin: String, sequence: Int? = nil, body: Body) {
        self.origin = origin
        self.sequence = sequence
        self.body = body
    }
}
