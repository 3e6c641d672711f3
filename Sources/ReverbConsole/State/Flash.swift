/// A one-line result shown above the hint bar ("kicked 870132037.115391333 with 4200").
public struct Flash: Hashable, Sendable {
    /// Whether the message reports success, a failure or plain information; it picks the colour.
    public enum Kind: Hashable, Sendable {
        case info, success, failure
    }

    public var text: String
    public var kind: Kind

    public init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}
