/// Pusher's rules for channel names: 1 to 164 characters of `[-a-zA-Z0-9_=@,.;]`, or the reserved
/// `#server-to-user-{id}` names of user authentication. Anything else is refused before it reaches the
/// registry, the logs or a terminal (a newline or an escape sequence in a name would forge log lines).
enum ChannelName {
    static let maxLength = 164
    static let serverToUserPrefix = "#server-to-user-"

    static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        var rest = Substring(name).utf8[...]
        if name.hasPrefix(serverToUserPrefix) {
            rest = rest.dropFirst(serverToUserPrefix.utf8.count)
            guard !rest.isEmpty else { return false }
        }
        return rest.allSatisfy(isAllowed)
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "="), UInt8(ascii: "@"), UInt8(ascii: ","),
            UInt8(ascii: "."), UInt8(ascii: ";"):
            true
        default: false
        }
    }
}
