import ReverbEngine

/// What the console needs from the engine: snapshots to read and the same commands the HTTP API uses.
/// The real `ReverbServer` conforms in the executable; tests use a fake.
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
}
