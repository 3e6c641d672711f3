/// A consequential action waiting for `y`, with the question to ask.
public struct Confirmation: Hashable, Sendable {
    /// What happens on yes.
    public enum Outcome: Hashable, Sendable {
        case quit
        case command(EngineCommand)
    }

    public var question: String
    public var outcome: Outcome

    public init(question: String, outcome: Outcome) {
        self.question = question
        self.outcome = outcome
    }
}
