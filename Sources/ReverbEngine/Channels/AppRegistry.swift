import Synchronization

/// The thread-safe home of one app's `AppState`. Every method holds the lock briefly and never does I/O.
final class AppRegistry: Sendable {
    let app: Application
    /// The app secret prepared for HMAC once: the API's request signatures and channel auth both sign with it.
    let signingKey: HMACKey
    private let state = Mutex(AppState())

    init(app: Application) {
        self.app = app
        self.signingKey = HMACKey(secret: app.secret)
    }

    func withState<Result, Failure: Error>(_ body: (inout AppState) throws(Failure) -> Result) throws(Failure) -> Result
    {
        try state.withLock { (state: inout AppState) throws(Failure) -> Result in try body(&state) }
    }
}
