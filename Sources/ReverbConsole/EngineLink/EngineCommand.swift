/// An operator's request that changes the engine, produced by the reducer and executed by `CommandRunner`.
public enum EngineCommand: Hashable, Sendable {
    case kick(appID: String, socketID: String, code: Int)
    case terminateUser(appID: String, userID: String)
    case publish(appID: String, channel: String, event: String, data: String)
}
