import ReverbConsole
import ReverbEngine

/// The running `ReverbServer` as the console sees it: snapshots plus the public commands the HTTP API uses.
struct ServerConsoleEngine: ConsoleEngine {
    let server: ReverbServer

    func snapshot(includingConnections: Bool) -> EngineSnapshot {
        server.snapshot(includingConnections: includingConnections)
    }

    func publish(appID: String, channel: String, event: String, data: String) throws -> Int {
        try server.publish(PublishRequest(appID: appID, channels: [channel], event: event, data: data))
    }

    func closeConnection(appID: String, socketID: String, code: Int) -> Bool {
        server.closeConnection(appID: appID, socketID: socketID, code: code)
    }

    func terminateUser(appID: String, userID: String) -> Int {
        server.terminateUser(appID: appID, userID: userID)
    }
}
