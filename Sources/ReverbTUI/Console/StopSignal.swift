import Synchronization

/// A flag the async side raises (graceful shutdown, cancellation) and the terminal thread polls every tick.
final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() {
        raised.store(true, ordering: .relaxed)
    }

    var isRaised: Bool { raised.load(ordering: .relaxed) }
}
