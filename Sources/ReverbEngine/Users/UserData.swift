/// The `user_data` of a `pusher:signin`, parsed: a string `id`, optional `user_info`, an optional `watchlist`.
struct UserData: Sendable, Hashable {
    /// Pusher's limit on watched ids; a longer watchlist is refused with 4302.
    static let maxWatchlist = 100

    var id: String
    var userInfo: JSONValue?
    var watchlist: [String]

    /// Parses the JSON text exactly as signed; throws the `pusher:error` to send when it is unusable.
    init(parsing text: String) throws(PusherError) {
        guard let value = try? JSONParser.parse(text), case .object = value else {
            throw .invalidUserData("user_data must be a JSON object")
        }
        guard case .string(let id)? = value["id"], !id.isEmpty else {
            throw .invalidUserData("user_data must have a non-empty string id")
        }
        var watchlist: [String] = []
        switch value["watchlist"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                switch item {
                case .string(let text) where !text.isEmpty: watchlist.append(text)
                case .number(let literal): watchlist.append(literal)
                default: throw .invalidUserData("watchlist must be an array of user ids")
                }
            }
        default: throw .invalidUserData("watchlist must be an array of user ids")
        }
        guard watchlist.count <= Self.maxWatchlist else { throw .watchlistTooLong }
        self.id = id
        self.userInfo = value["user_info"]
        self.watchlist = watchlist
    }
}
