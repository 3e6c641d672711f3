/// `#server-to-user-{id}`: the channel name that addresses every socket signed in as one user.
enum UserChannel {
    static let prefix = "#server-to-user-"

    /// The user a channel name addresses, or nil when it is not a server-to-user channel.
    static func userID(in channel: String) -> String? {
        guard channel.hasPrefix(prefix) else { return nil }
        let id = channel.dropFirst(prefix.count)
        return id.isEmpty ? nil : String(id)
    }
}
