extension PusherError {
    /// A `pusher:signin` whose `auth` does not match: the socket is closed.
    static let invalidSignin = PusherError(code: 4009, message: "Invalid signature for user authentication")
    /// `user_authentication_timeout` passed without a sign-in (Pusher's wording).
    static let userAuthenticationTimeout = PusherError(code: 4009, message: "Connection not authorized within timeout")
    static let watchlistTooLong = PusherError(
        code: 4302, message: "Watchlist limit exceeded: at most \(UserData.maxWatchlist) user ids")
    /// A subscription to `#server-to-user-{id}` by a socket not signed in as that user.
    static let notSignedInAsUser = PusherError(
        code: 4009, message: "Only a socket signed in as this user may subscribe to its server-to-user channel")

    static func invalidUserData(_ reason: String) -> PusherError {
        PusherError(code: 4009, message: "Invalid user data: \(reason)")
    }
}
