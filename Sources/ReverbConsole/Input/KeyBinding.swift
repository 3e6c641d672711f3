/// One row of the key map: the keys, what they do, the words the help shows, where they apply,
/// and the short label the hint bar uses (nil keeps the binding out of the hint bar).
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var action: Action
    public var description: String
    public var scope: KeyScope
    public var hint: String?
    /// How the hint bar writes the key when it stands for a group of bindings (`csomaerxp`); nil uses the first key.
    public var hintKey: String?

    public init(
        _ keys: [Key], _ action: Action, _ description: String, scope: KeyScope = .global, hint: String? = nil,
        hintKey: String? = nil
    ) {
        self.keys = keys
        self.action = action
        self.description = description
        self.scope = scope
        self.hint = hint
        self.hintKey = hintKey
    }

    /// The keys as the help writes them: `↑/k`.
    public var keyLabel: String { keys.map(\.displayName).joined(separator: "/") }
}
