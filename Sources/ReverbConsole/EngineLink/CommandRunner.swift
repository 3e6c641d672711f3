/// Executes engine commands through the `ConsoleEngine` seam and words the result for the flash line.
public struct CommandRunner: Sendable {
    private let engine: any ConsoleEngine

    public init(engine: any ConsoleEngine) {
        self.engine = engine
    }

    /// Runs one command and returns the message to flash.
    public func run(_ command: EngineCommand) -> Flash {
        Self.flash(for: command, outcome: engine.execute(command))
    }

    /// The flash line for a command's outcome, the same in process and attached.
    public static func flash(for command: EngineCommand, outcome: CommandOutcome) -> Flash {
        switch (command, outcome) {
        case (_, .failed(let message)):
            return Flash(message, kind: .failure)
        case (.kick(let appID, let socketID, let code), .kicked(let closed)):
            if closed { return Flash("kicked \(socketID) with \(code)", kind: .success) }
            return Flash("no connection \(socketID) in app \(appID)", kind: .failure)
        case (.terminateUser(_, let userID), .terminated(let closed)):
            return Flash(
                "terminated \(closed) \(closed == 1 ? "connection" : "connections") of user \(userID)",
                kind: closed > 0 ? .success : .failure
            )
        case (.publish(_, let channel, let event, _), .delivered(let delivered)):
            return Flash(
                "\(event) on \(channel): delivered to \(delivered) \(delivered == 1 ? "connection" : "connections")",
                kind: .success
            )
        default:
            return Flash("unexpected result \(outcome) for \(command)", kind: .failure)
        }
    }
}
