import OrderedCollections
import NIOCore
import NIOHTTP1

/// Reverb's signed API endpoints for one app and one request.
struct APIEndpoints {
    let engine: Engine
    let app: Application
    let request: HTTPRequest
    /// Whether reads may come from the cluster (false for the local fallback).
    var usesCluster = true

    private var registry: AppRegistry { engine.registry(for: app) }

    // MARK: POST /apps/{id}/events

    func triggerEvent() throws(APIError) -> HTTPResponse {
        let body = try jsonBody()
        let event = try EventFields(body, fieldPrefix: "", allowsChannels: true)
        let request = PublishRequest(
            appID: app.id, channels: event.channels, event: event.name, data: event.data,
            excludingSocketID: event.socketID)
        if let cluster = engine.cluster, !cluster.hasRoom(for: event.channels.count) { return Self.clusterQueueFull }
        engine.publish(request, to: app, encoding: .triggered, acceptedAt: self.request.receivedAt)
        guard event.info != nil else { return .emptyObject }
        let info = InfoAttributes(event.info)
        let channels = registry.withState { state in
            event.channels.map { JSONMember($0, .object(state.infoMembers(of: $0, info))) }
        }
        let local = HTTPResponse.json(.ok, .object([JSONMember("channels", .object(channels))]))
        if let cluster = clusterForReads {
            let names = event.channels
            let answer = clusterInfo(cluster, channels: names, info).map { infos -> HTTPResponse in
                let channels = zip(names, infos).map { JSONMember($0, .object($1)) }
                return .json(.ok, .object([JSONMember("channels", .object(channels))]))
            }
            return .later(answer) { local }
        }
        return local
    }

    // MARK: POST /apps/{id}/batch_events

    func triggerBatch() throws(APIError) -> HTTPResponse {
        let body = try jsonBody()
        guard case .array(let items)? = body["batch"] else {
            throw .validation("batch", "The batch field is required and must be an array.")
        }
        let events = try items.enumerated().map { index, item throws(APIError) in
            try EventFields(item, fieldPrefix: "batch.\(index).", allowsChannels: false)
        }
        if let cluster = engine.cluster, !cluster.hasRoom(for: events.reduce(0) { $0 + $1.channels.count }) {
            return Self.clusterQueueFull
        }
        for event in events {
            let request = PublishRequest(
                appID: app.id, channels: event.channels, event: event.name, data: event.data,
                excludingSocketID: event.socketID)
            engine.publish(request, to: app, encoding: .batchItem, acceptedAt: self.request.receivedAt)
        }
        guard events.contains(where: { $0.info != nil }) else { return .emptyBatch }
        let results: [JSONValue] = registry.withState { state in
            events.map { event in
                guard let info = event.info, let channel = event.channels.first else { return .object([]) }
                return .object(state.infoMembers(of: channel, InfoAttributes(info)))
            }
        }
        let local = HTTPResponse.json(.ok, .object([JSONMember("batch", .array(results))]))
        if let cluster = clusterForReads {
            let reads = events.map { event -> EventLoopFuture<JSONValue> in
                guard let info = event.info, let channel = event.channels.first else {
                    return cluster.loop.makeSucceededFuture(.object([]))
                }
                return clusterInfo(cluster, channels: [channel], InfoAttributes(info)).map { .object($0.first ?? []) }
            }
            let answer = EventLoopFuture.whenAllSucceed(reads, on: cluster.loop).map { results -> HTTPResponse in
                .json(.ok, .object([JSONMember("batch", .array(results))]))
            }
            return .later(answer) { local }
        }
        return local
    }

    // MARK: GET /apps/{id}/channels

    func listChannels() -> HTTPResponse {
        if let cluster = clusterForReads { return clusterListChannels(cluster) }
        let info = InfoAttributes(request.queryValue("info"))
        let prefix = request.queryValue("filter_by_prefix")
        let channels = registry.withState { state in
            state.channelNames(prefix: prefix).map { JSONMember($0, .object(state.infoMembers(of: $0, info))) }
        }
        return .json(.ok, .object([JSONMember("channels", .object(channels))]))
    }

    // MARK: GET /apps/{id}/channels/{channel}

    func showChannel(_ name: String) -> HTTPResponse {
        if let cluster = clusterForReads { return clusterShowChannel(cluster, name) }
        let info = InfoAttributes(request.queryValue("info"))
        let members: [JSONMember] = registry.withState { state in
            guard state.channel(named: name) != nil else { return [JSONMember("occupied", .bool(false))] }
            return [JSONMember("occupied", .bool(true))] + state.infoMembers(of: name, info)
        }
        return .json(.ok, .object(members))
    }

    // MARK: GET /apps/{id}/channels/{channel}/users

    func listUsers(_ name: String) throws(APIError) -> HTTPResponse {
        guard ChannelKind(channelName: name).access == .presence else {
            throw .text(.badRequest, "Users can only be listed for presence channels; \(name) is not one.")
        }
        if let cluster = clusterForReads { return clusterListUsers(cluster, name) }
        guard let ids = registry.withState({ $0.channel(named: name)?.roster.members.values.map(\.userID) }) else {
            throw .text(.notFound, "Channel \(name) is not occupied.")
        }
        let users = ids.map { JSONValue.object([JSONMember("id", $0)]) }
        return .json(.ok, .object([JSONMember("users", .array(users))]))
    }

    // MARK: GET /apps/{id}/connections

    func countConnections() -> HTTPResponse {
        if let cluster = clusterForReads { return clusterCountConnections(cluster) }
        let count = registry.withState { $0.connectionCount }
        return .json(.ok, .object([JSONMember("connections", .number(String(count)))]))
    }

    // MARK: POST /apps/{id}/users/{user}/terminate_connections

    func terminate(_ userID: String) -> HTTPResponse {
        _ = engine.terminateUser(appID: app.id, userID: userID)
        return .json(.ok, .object([]))
    }

    // MARK: Body

    private func jsonBody() throws(APIError) -> JSONValue {
        guard request.body.readableBytes > 0 else {
            throw .text(.badRequest, "The request body is empty; send a JSON object.")
        }
        do {
            // Parsed where the body lies, without copying it into an array first.
            let value = try request.body.withUnsafeReadableBytes { raw in
                Result { () throws(JSONParseError) in
                    try JSONParser.parse(bytes: raw.assumingMemoryBound(to: UInt8.self))
                }
            }.get()
            guard case .object = value else {
                throw APIError.text(.badRequest, "The request body must be a JSON object.")
            }
            return value
        } catch let error as APIError {
            throw error
        } catch {
            throw .text(.badRequest, "The request body is not valid JSON: \(error).")
        }
    }
}

/// The validated fields of one event (`/events` body or one `batch` item), with Laravel's 422 messages.
struct EventFields {
    var name: String
    var data: String
    var channels: [String]
    var socketID: String?
    var info: String?

    /// `fieldPrefix` (`batch.3.`) is only built for an error message.
    init(_ value: JSONValue, fieldPrefix: @autoclosure () -> String, allowsChannels: Bool) throws(APIError) {
        func field(_ name: String) -> String { fieldPrefix() + name }
        guard case .object = value else { throw .validation(field("name"), "Each batch item must be an object.") }
        guard let nameValue = value["name"], !nameValue.isNull else {
            throw .validation(field("name"), "The name field is required.")
        }
        guard case .string(let name) = nameValue else {
            throw .validation(field("name"), "The name field must be a string.")
        }
        guard let dataValue = value["data"], !dataValue.isNull else {
            throw .validation(field("data"), "The data field is required.")
        }
        guard case .string(let data) = dataValue else {
            throw .validation(field("data"), "The data field must be a string.")
        }
        var channels: [String] = []
        if allowsChannels, let list = value["channels"], !list.isNull {
            guard case .array(let items) = list, !items.isEmpty, items.allSatisfy({ $0.stringValue != nil }) else {
                throw .validation(field("channels"), "The channels field must be an array of channel names.")
            }
            channels = items.compactMap(\.stringValue)
        } else if let channel = value["channel"], !channel.isNull {
            guard case .string(let name) = channel else {
                throw .validation(field("channel"), "The channel field must be a string.")
            }
            channels = [name]
        } else {
            throw .validation(
                field(allowsChannels ? "channels" : "channel"),
                allowsChannels
                    ? "The channels field is required when channel is not present." : "The channel field is required.")
        }
        if let socket = value["socket_id"], !socket.isNull {
            guard case .string(let text) = socket else {
                throw .validation(field("socket_id"), "The socket id field must be a string.")
            }
            socketID = text
        }
        if let infoValue = value["info"], !infoValue.isNull {
            guard case .string(let text) = infoValue else {
                throw .validation(field("info"), "The info field must be a string.")
            }
            info = text
        }
        self.name = name
        self.data = data
        self.channels = channels
    }
}
