import Foundation

/// One JSON text frame from the server to an attached console.
public struct ConsoleStreamFrame: Sendable, Codable {
    /// What the frame carries.
    public enum Kind: String, Sendable, Codable {
        /// First frame: the app the stream is scoped to.
        case hello
        /// The engine's state, scoped to the app.
        case snapshot
        /// Engine events since the last frame, oldest first.
        case events
        /// The outcome of a command.
        case result
    }

    public var type: Kind
    public var appID: String?
    public var snapshot: EngineSnapshot?
    /// False when the snapshot was taken without connection rows (a large server sends them less often).
    public var includesConnections: Bool?
    public var events: [EngineEvent]?
    /// Stream rows the server dropped for this console so far because it could not keep up.
    public var dropped: Int?
    public var result: ConsoleStreamResult?

    public init(
        type: Kind, appID: String? = nil, snapshot: EngineSnapshot? = nil, includesConnections: Bool? = nil,
        events: [EngineEvent]? = nil, dropped: Int? = nil, result: ConsoleStreamResult? = nil
    ) {
        self.type = type
        self.appID = appID
        self.snapshot = snapshot
        self.includesConnections = includesConnections
        self.events = events
        self.dropped = dropped
        self.result = result
    }
}

/// A command from an attached console: the same operations the in-process console runs.
public struct ConsoleStreamCommand: Sendable, Codable, Hashable {
    /// Which operation.
    public enum Action: String, Sendable, Codable {
        case kick, terminate, publish
    }

    /// Echoed in the result so the console can match it.
    public var id: Int
    public var action: Action
    public var appID: String
    public var socketID: String?
    public var code: Int?
    public var userID: String?
    public var channel: String?
    public var event: String?
    public var data: String?

    public init(
        id: Int, action: Action, appID: String, socketID: String? = nil, code: Int? = nil, userID: String? = nil,
        channel: String? = nil, event: String? = nil, data: String? = nil
    ) {
        self.id = id
        self.action = action
        self.appID = appID
        self.socketID = socketID
        self.code = code
        self.userID = userID
        self.channel = channel
        self.event = event
        self.data = data
    }
}

/// What a command did: `ok` with a count (connections kicked, terminated or delivered to), or an error.
public struct ConsoleStreamResult: Sendable, Codable, Hashable {
    public var id: Int
    public var ok: Bool
    public var count: Int
    public var error: String?

    public init(id: Int, ok: Bool, count: Int = 0, error: String? = nil) {
        self.id = id
        self.ok = ok
        self.count = count
        self.error = error
    }
}

/// The JSON coders both ends use: dates as seconds since 1970, keys as the Swift names.
public enum ConsoleStreamCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
