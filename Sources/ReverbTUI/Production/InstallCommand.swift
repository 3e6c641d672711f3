import ArgumentParser
import Foundation
import ReverbEngine

/// `reverb-tui install`, like `reverb:install`: adds the Reverb variables a Laravel project's `.env` is missing
/// and makes `reverb` its broadcast connection. A variable already present is never touched; a second run
/// changes nothing.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Add the REVERB_* variables a Laravel .env is missing and set BROADCAST_CONNECTION=reverb.")

    @Option(name: .customLong("env-file"), help: "The .env to edit (default ./.env).") var envFile: String?
    @Option(help: "REVERB_HOST for new installs: where clients reach the server.") var host = "localhost"
    @Option(help: "REVERB_PORT for new installs.") var port = "8080"
    @Option(help: "REVERB_SCHEME for new installs: http or https.") var scheme = "http"

    func validate() throws {
        guard ["http", "https"].contains(scheme) else { throw ValidationError("--scheme must be http or https.") }
        guard let number = Int(port), (1...65_535).contains(number) else {
            throw ValidationError("--port must be a port number from 1 to 65535.")
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "\"" || $0.isWhitespace }) else {
            throw ValidationError("--host must be a host name without spaces or quotes.")
        }
    }

    func run() throws {
        let path = envFile ?? (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(".env")
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            let hint = envFile == nil ? " (run it in the Laravel project, or cp .env.example .env first)" : ""
            FileHandle.standardError.write(Data("reverb-tui: cannot read \(path)\(hint).\n".utf8))
            throw ExitCode(1)
        }
        var values = DotEnvInstaller.Values.random()
        values.host = host
        values.port = port
        values.scheme = scheme
        let (updated, changes) = DotEnvInstaller.install(into: text, values: values)
        guard !changes.isEmpty else {
            Output.line("  INFO  \(path) already has every Reverb variable; nothing changed.")
            return
        }
        do {
            // In place, so the file keeps its owner and permissions.
            try updated.write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            FileHandle.standardError.write(
                Data("reverb-tui: cannot write \(path): \(error.localizedDescription)\n".utf8))
            throw ExitCode(1)
        }
        Output.line("  INFO  Updated \(path):")
        for change in changes {
            if let before = change.before {
                Output.line("  changed \(change.key): \(before.isEmpty ? "(empty)" : before) -> \(change.after)")
            } else {
                Output.line("  added   \(change.key)=\(change.after)")
            }
        }
    }
}
