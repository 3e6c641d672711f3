import ReverbEngine

/// What the console needs from the engine: snapshots to read and the same commands the HTTP API uses.
/// The real `ReverbServer` conforms in the executable, an attached server over the network too; tests use a fake.
public protocol ConsoleEngine: Sendable {
    /// The engine's state; without connection rows (apps still carry `connectionCount`) when `includingConnections`
    /// is false, which stays cheap with tens of thousands of sockets.
    func snapshot(includingConnections: Bool) -> EngineSnapshot
    /// Delivers through the same path as the HTTP API; returns how many connections received it. Throws an Error whose description is user-readable.
    func publish(appID: String, channel: String, event: String, data: String) throws -> Int
    /// Sends pusher:error with the code then a close frame with the same code; false if no such socket.
    func closeConnection(appID: String, socketID: String, code: Int) -> Bool
    /// Closes every connection of a presence user; returns how many.
    func terminateUser(appID: String, userID: String) -> Int
    /// Runs one command; the default calls the three methods above. An engine across a network overrides it to
    /// report a lost link as a failure rather than as "no such connection".
    func execute(_ command: EngineCommand) -> CommandOutcome
    /// The link to a remote server, for the header; nil in process.
    var link: ConsoleLink? { get }
}

extension ConsoleEngine {
    public func execute(_ command: EngineCommand) -> CommandOutcome {
        switch command {
        case .kick(let appID, let socketID, let code):
            return .kicked(closeConnection(appID: appID, socketID: socketID, code: code))
        case .terminateUser(let appID, let userID):
            return .terminated(terminateUser(appID: appID, userID: userID))
        case .publish(let appID, let channel, let event, let data):
            do {
                return .delivered(try publish(appID: appID, channel: channel, event: event, data: data))
            } catch {
                return .failed("inject failed: \(String(describing: error))")
            }
        }
    }

    public var link: ConsoleLink? { nil }
}
