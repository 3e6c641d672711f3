import ArgumentParser
import Synchronization

/// `pusher-bench`: bounded load scenarios against any Pusher-protocol-7 server, one JSON line per scenario.
@main
struct PusherBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pusher-bench",
        abstract: "Bounded Pusher-protocol load scenarios; prints one JSON result line per scenario.",
        subcommands: [
            ConnectScenario.self, FanoutScenario.self, ChannelsScenario.self, PresenceScenario.self,
            ClientEventsScenario.self, SchemaCommand.self,
        ]
    )
}
