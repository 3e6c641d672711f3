/// A Pusher protocol error: sent as `pusher:error`, and as the WebSocket close code when it is fatal.
package struct PusherError: Error, Sendable, Hashable, CustomStringConvertible {
    package var code: Int
    package var message: String

    package init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code) \(message)" }

    package static let applicationDoesNotExist = PusherError(code: 4001, message: "Application does not exist")
    package static let overQuota = PusherError(code: 4004, message: "Application is over connection quota")
    package static let originNotAllowed = PusherError(code: 4009, message: "Origin not allowed")
    package static let unauthorized = PusherError(code: 4009, message: "Connection is unauthorized")
    package static let notAMember = PusherError(
        code: 4009, message: "The client is not a member of the specified channel.")
    package static let invalidMessageFormat = PusherError(code: 4200, message: "Invalid message format")
    package static let pongNotReceived = PusherError(code: 4201, message: "Pong reply not received in time")
    package static let clientEventsDisabled = PusherError(
        code: 4301, message: "The app does not have client messaging enabled.")
    package static let clientEventsNotAllowedOnChannel = PusherError(
        code: 4301, message: "Client events are only allowed on private and presence channels.")
    package static let rateLimitExceeded = PusherError(code: 4301, message: "Rate limit exceeded")

    /// The message a console kick sends with the chosen close code.
    package static func closedByOperator(code: Int) -> PusherError {
        PusherError(code: code, message: "Connection closed by the server operator")
    }

    /// Sent to each socket of a user closed by `terminate_connections`: 4009, so clients do not reconnect.
    package static let terminatedByServer = PusherError(code: 4009, message: "Connection terminated by the server")
}
