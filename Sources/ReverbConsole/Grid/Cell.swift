/// One terminal cell: a single-column character and the role that styles it.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var role: Role

    public init(_ character: Character = " ", role: Role = .text) {
        self.character = character
        self.role = role
    }

    /// An empty cell in the default role.
    public static let blank = Cell()
}
