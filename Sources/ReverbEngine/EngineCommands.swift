import Synchronization
import Foundation
import NIOCore

/// An event to deliver to channels, from the HTTP API or the console.
public struct PublishRequest: Sendable, Hashable {
    public var appID: String
    public var channels: [String]
    public var event: String
    /// The event's `data`, passed to clients as this exact string.
    public var data: String
    /// A socket that must not receive it (the sender, for `toOthers()`).
    public var excludingSocketID: String?

    public init(appID: String, channels: [String], event: String, data: String, excludingSocketID: String? = nil) {
        self.appID = appID
        self.channels = channels
        self.event = event
        self.data = data
        self.excludingSocketID = excludingSocketID
    }
}

/// Why a command could not run.
public enum CommandError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownApp(String)

    public var description: String {
        switch self {
        case .unknownApp(let id): "No matching application for ID [\(id)]."
        }
    }
}

extension Engine {
    /// Encodes the event once per channel and delivers it; returns how many connections received it.
    @discardableResult
    func publish(_ request: PublishRequest, batchOrder: Bool = false, kind: EngineEvent.Kind = .apiMessage) throws(CommandError) -> Int {
        guard let app = directory.app(id: request.appID) else { throw .unknownApp(request.appID) }
        var delivered = 0
        for channel in request.channels {
            let payload = batchOrder
                ? ServerMessage.batchEvent(name: request.event, data: request.data, channel: channel)
                : ServerMessage.event(name: request.event, data: request.data, channel: channel)
            delivered += deliver(payload, event: request.event, channel: channel, app: app, excluding: request.excludingSocketID, kind: kind)
        }
        return delivered
    }

    /// Sends `pusher:error` with `code` and closes the socket with the same code. False when there is no such socket.
    func closeConnection(appID: String, socketID: String, code: Int) -> Bool {
        guard let app = directory.app(id: appID),
            let handle = registry(for: app).withState({ $0.handle(socketID: socketID) })
        else { return false }
        fail(handle, with: .closedByOperator(code: code))
        return true
    }

    /// Closes every socket subscribed to a presence channel as `userID`; returns how many.
    func terminateUser(appID: String, userID: String) -> Int {
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

extension AppRegistry {
    var allHandles: [ConnectionHandle] { connections.values.map(\.handle) }
}

extension PusherError {
    /// Sent to each socket of a user closed by `terminate_connections`: 4009, so clients do not reconnect.
    public static let terminatedByServer = PusherError(code: 4009, message: "Connection terminated by the server")
}
