import NIOHTTP1
import NIOCore

/// The endpoints' answers for the whole cluster, read from Redis (docs/architecture.md, "Cluster"): one
/// round trip to Redis, never a wait on another node. When Redis does not answer, this node's own view.
extension APIEndpoints {
    /// The cluster to read from, when scaling is on and Redis is up.
    var clusterForReads: Cluster? {
        guard usesCluster, let cluster = engine.cluster, cluster.isConnected else { return nil }
        return cluster
    }

    /// These endpoints answering from this node's own state only.
    var local: APIEndpoints {
        var copy = self
        copy.usesCluster = false
        return copy
    }

    /// A channel's `info` members from cluster counts; `[]` for a vacant channel.
    static func clusterInfoMembers(
        _ name: String, subscriptions: Int, users: Int, cache: String?, _ info: InfoAttributes
    ) -> [JSONMember] {
        guard subscriptions > 0 else { return [] }
        let kind = ChannelKind(channelName: name)
        var members: [JSONMember] = []
        if kind.access == .presence {
            if info.userCount { members.append(JSONMember("user_count", .number(String(users)))) }
        } else if info.subscriptionCount {
            members.append(JSONMember("subscription_count", .number(String(subscriptions))))
        }
        if info.cache, kind.isCache, let cache, let cached = try? JSONParser.parse(cache) {
            members.append(JSONMember("cache", cached))
        }
        return members
    }

    /// The info members of several channels at once.
    func clusterInfo(_ cluster: Cluster, channels: [String], _ info: InfoAttributes) -> EventLoopFuture<[[JSONMember]]>
    {
        let reads = channels.map { name in
            cluster.channel(appID: app.id, name: name).map { read in
                Self.clusterInfoMembers(
                    name, subscriptions: read.subscriptions, users: read.users, cache: read.cache, info)
            }
        }
        return EventLoopFuture.whenAllSucceed(reads, on: cluster.loop)
    }

    func clusterListChannels(_ cluster: Cluster) -> HTTPResponse {
        let info = InfoAttributes(request.queryValue("info"))
        let prefix = request.queryValue("filter_by_prefix")
        let local = self.local
        let answer = cluster.channels(appID: app.id).map { rows -> HTTPResponse in
            let members =
                rows
                .filter { prefix == nil || $0.name.hasPrefix(prefix!) }
                .sorted { $0.name < $1.name }
                .map { row in
                    JSONMember(
                        row.name,
                        .object(
                            Self.clusterInfoMembers(
                                row.name, subscriptions: row.subscriptions, users: row.users, cache: nil, info)))
                }
            return .json(.ok, .object([JSONMember("channels", .object(members))]))
        }
        return .later(answer) { local.listChannels() }
    }

    func clusterShowChannel(_ cluster: Cluster, _ name: String) -> HTTPResponse {
        let info = InfoAttributes(request.queryValue("info"))
        let local = self.local
        let answer = cluster.channel(appID: app.id, name: name).map { read -> HTTPResponse in
            guard read.subscriptions > 0 else { return .json(.ok, .object([JSONMember("occupied", .bool(false))])) }
            let members = Self.clusterInfoMembers(
                name, subscriptions: read.subscriptions, users: read.users, cache: read.cache, info)
            return .json(.ok, .object([JSONMember("occupied", .bool(true))] + members))
        }
        return .later(answer) { local.showChannel(name) }
    }

    func clusterListUsers(_ cluster: Cluster, _ name: String) -> HTTPResponse {
        let local = self.local
        let answer = cluster.members(appID: app.id, channel: name).map { members -> HTTPResponse in
            guard !members.isEmpty else { return .text(.notFound, "Channel \(name) is not occupied.") }
            let users = members.compactMap { text -> JSONValue? in
                guard let member = try? JSONParser.parse(text), let id = member["user_id"] else { return nil }
                return .object([JSONMember("id", id)])
            }
            return .json(.ok, .object([JSONMember("users", .array(users))]))
        }
        return .later(answer) {
            do throws(APIError) {
                return try local.listUsers(name)
            } catch {
                return error.response
            }
        }
    }

    func clusterCountConnections(_ cluster: Cluster) -> HTTPResponse {
        let local = self.local
        let answer = cluster.connections(appID: app.id).map { count -> HTTPResponse in
            .json(.ok, .object([JSONMember("connections", .number(String(count)))]))
        }
        return .later(answer) { local.countConnections() }
    }

    /// 503 while Redis is away and the queue of events waiting for it is full: the event was not accepted.
    static var clusterQueueFull: HTTPResponse {
        HTTPResponse.json(
            .serviceUnavailable,
            .object([
                JSONMember(
                    "error",
                    .string(
                        "Redis is unreachable and the queue of events waiting for it is full; the event was not accepted. Retry later."
                    ))
            ]))
    }
}
