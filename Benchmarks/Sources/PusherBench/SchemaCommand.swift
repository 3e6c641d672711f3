import ArgumentParser
import BenchCore

/// `pusher-bench schema`: the required keys of every result line, so scripts check the same lists as the tests.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the required keys of each scenario's result line as JSON."
    )

    func run() {
        var members: [(String, JSONValue)] = [("common", .array(ResultSchema.common.map { .string($0) }))]
        for name in ResultSchema.byScenario.keys.sorted() {
            members.append((name, .array(ResultSchema.byScenario[name]!.map { .string($0) })))
        }
        print(JSONValue.object(members).rendered)
    }
}
