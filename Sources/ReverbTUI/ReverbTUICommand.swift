import ArgumentParser

/// `reverb-tui`: the server (`start`, the default) and the tools around it.
@main
struct ReverbTUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reverb-tui",
        abstract: "A Laravel Reverb compatible WebSocket server with a live console.",
        subcommands: [
            StartCommand.self, AttachCommand.self, RestartCommand.self, DoctorCommand.self, InstallCommand.self,
        ],
        defaultSubcommand: StartCommand.self)
}
