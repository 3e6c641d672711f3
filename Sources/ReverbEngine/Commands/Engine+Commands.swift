import Foundation
import NIOCore

extension Engine {
    /// Resolves the app and publishes; the entry point for callers that only hold an app id (the console).
    @discardableResult
    func publish(_ request: PublishRequest, kind: EngineEvent.Kind = .apiMessage) throws(CommandError) -> Int {
        guard let app = directory.app(id: request.appID) else { throw .unknownApp(request.appID) }
        return publish(request, to: app, encoding: .triggered, kind: kind)
    }

    /// Encodes the event once per channel and delivers it; returns how many connections received it.
    @discardableResult
    func publish(
        _ request: PublishRequest, to app: Application, encoding: EventEncoding, kind: EngineEvent.Kind = .apiMessage,
        acceptedAt: NIODeadline? = nil
    ) -> Int {
        let registry = registry(for: app)
        var delivered = 0
        for channel in request.channels {
            let payload = encoding.encode(name: request.event, data: request.data, channel: channel)
            delivered += deliver(
                payload, event: request.event, channel: channel, in: registry, excluding: request.excludingSocketID,
                kind: kind, acceptedAt: acceptedAt)
            clusterPublish(
                payload, event: request.event, channel: channel, app: app, excluding: request.excludingSocketID,
                kind: kind)
        }
        return delivered
    }

    /// Sends `pusher:error` with `code` and closes the socket with the same code, on whichever node holds it.
    /// False when there is no such socket here and no cluster to ask.
    func closeConnection(appID: String, socketID: String, code: Int) -> Bool {
        if closeLocalConnection(appID: appID, socketID: socketID, code: code) { return true }
        guard let cluster, directory.app(id: appID) != nil else { return false }
        return cluster.broadcast(.close(appID: appID, socketID: socketID, code: code))
    }

    /// Closes every socket subscribed to a presence channel as `userID` on every node; returns how many here.
    func terminateUser(appID: String, userID: String) -> Int {
        let closed = terminateLocalUser(appID: appID, userID: userID)
        if let cluster, directory.app(id: appID) != nil { cluster.broadcast(.terminate(appID: appID, userID: userID)) }
        return closed
    }

    /// `closeConnection` for a socket of this node only.
    func closeLocalConnection(appID: String, socketID: String, code: Int) -> Bool {
        guard let app = directory.app(id: appID),
            let handle = registry(for: app).withState({ $0.handle(socketID: socketID) })
        else { return false }
        fail(handle, with: .closedByOperator(code: code))
        return true
    }

    /// `terminateUser` for this node's sockets only.
    func terminateLocalUser(appID: String, userID: String) -> Int {
        guard let app = directory.app(id: appID) else { return 0 }
        let handles = registry(for: app).withState { $0.sockets(ofUser: userID) }
        for handle in handles { fail(handle, with: .terminatedByServer) }
        return handles.count
    }

    /// Closes every socket with 4200 so clients reconnect elsewhere (graceful shutdown).
    func closeAllConnections() -> [ConnectionHandle] {
        let handles = registries.values.flatMap { registry in registry.withState { state in state.allHandles } }
        for handle in handles { handle.close(code: 4200, reason: "Server shutting down") }
        return handles
    }
}
