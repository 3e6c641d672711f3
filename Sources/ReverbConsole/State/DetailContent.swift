/// The text of the detail view: a title and its lines (fields, then pretty-printed JSON).
public struct DetailContent: Hashable, Sendable {
    public var title: String
    public var lines: [String]

    public init(title: String, lines: [String]) {
        self.title = title
        self.lines = lines
    }
}
