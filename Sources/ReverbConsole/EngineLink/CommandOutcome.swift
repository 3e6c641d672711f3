/// What an engine command did, before it is worded for the flash line.
public enum CommandOutcome: Hashable, Sendable {
    /// A kick: whether the socket existed.
    case kicked(Bool)
    /// A terminate: how many connections were closed.
    case terminated(Int)
    /// An injection: how many connections received it.
    case delivered(Int)
    /// The command could not run; the message says why, ready to show.
    case failed(String)
}
