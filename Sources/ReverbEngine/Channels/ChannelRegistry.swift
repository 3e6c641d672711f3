import Synchronization

/// The thread-safe home of one app's `AppRegistry`. Every method holds the lock briefly and never does I/O.
final class ChannelRegistry: Sendable {
    let app: Application
    private let state = Mutex(AppRegistry())

    init(app: Application) {
        self.app = app
    }

    func withState<Result, Failure: Error>(_ body: (inout AppRegistry) throws(Failure) -> Result) throws(Failure) -> Result {
        try state.withLock { (state: inout AppRegistry) throws(Failure) -> Result in try body(&state) }
    }
}
