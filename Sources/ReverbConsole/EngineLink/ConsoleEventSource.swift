import ReverbEngine

/// Where the console's stream rows come from: the engine's `EventRing` in process, or the rows an attached
/// console received over the network. Lossy: a source that falls behind drops rows and counts them.
public protocol ConsoleEventSource: Sendable {
    /// Takes every row waiting, oldest first.
    func drain() -> [EngineEvent]
    /// Rows lost so far, on every side of the source.
    var droppedCount: Int { get }
}

extension EventRing: ConsoleEventSource {}
