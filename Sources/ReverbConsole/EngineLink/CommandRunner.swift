/// Executes engine commands through the `ConsoleEngine` seam and words the result for the flash line.
public struct CommandRunner: Sendable {
    private let engine: any ConsoleEngine

    public init(engine: any ConsoleEngine) {
        self.engine = engine
    }

    /// Runs one command and returns the message to flash.
    public func run(_ command: EngineCommand) -> Flash {
        switch command {
        case .kick(let appID, let socketID, let code):
            if engine.closeConnection(appID: appID, socketID: socketID, code: code) {
                return Flash("kicked \(socketID) with \(code)", kind: .success)
            }
            return Flash("no connection \(socketID) in app \(appID)", kind: .failure)
        case .terminateUser(let appID, let userID):
            let closed = engine.terminateUser(appID: appID, userID: userID)
            return Flash(
                "terminated \(closed) \(closed == 1 ? "connection" : "connections") of user \(userID)",
                kind: closed > 0 ? .success : .failure
            )
        case .publish(let appID, let channel, let event, let data):
            do {
                let delivered = try engine.publish(appID: appID, channel: channel, event: event, data: data)
                return Flash(
                    "\(event) on \(channel): delivered to \(delivered) \(delivered == 1 ? "connection" : "connections")",
                    kind: .success
                )
            } catch {
                return Flash("inject failed: \(String(describing: error))", kind: .failure)
            }
        }
    }
}
