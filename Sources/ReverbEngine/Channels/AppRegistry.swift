import Synchronization

/// The thread-safe home of one app's `AppState`. Every method holds the lock briefly and never does I/O.
final class AppRegistry: Sendable {
    let app: Application
    private let state = Mutex(AppState())

    init(app: Application) {
        self.app = app
    }

    func withState<Result, Failure: Error>(_ body: (inout AppState) throws(Failure) -> Result) throws(Failure) -> Result
    {
        try state.withLock { (state: inout AppState) throws(Failure) -> Result in try body(&state) }
    }
}
