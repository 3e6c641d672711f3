import ArgumentParser
import Foundation
import ReverbEngine

/// The options that decide a server's configuration, for the tools that must see the configuration exactly as
/// `start` does (`restart`, `doctor`): the same flags, read by the same `ConfigurationLoader` from the same
/// sources (flags, environment, `.env` or `--env-file`, `--config`).
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "Bind address, as given to start (REVERB_SERVER_HOST).") var host: String?
    @Option(help: "Bind port, as given to start (REVERB_SERVER_PORT).") var port: String?
    @Option(help: "Route prefix, as given to start (REVERB_SERVER_PATH).") var path: String?
    @Option(help: "Public host name, as given to start (REVERB_HOST).") var hostname: String?
    @Option(name: .customLong("config"), help: "The JSON config file given to start.") var configFile: String?
    @Option(name: .customLong("env-file"), help: "The .env file given to start (default ./.env).") var envFile: String?
    @Option(name: .customLong("tls-cert"), help: "The certificate given to start.") var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "The key given to start.") var tlsKey: String?
    @Option(name: .customLong("metrics-port"), help: "The metrics port given to start.") var metricsPort: String?

    var flags: ConfigurationLoader.Flags {
        var flags = ConfigurationLoader.Flags()
        flags.host = host
        flags.port = port
        flags.path = path
        flags.hostname = hostname
        flags.configFile = configFile
        flags.envFile = envFile
        flags.tlsCertificate = tlsCertificate
        flags.tlsKey = tlsKey
        flags.metricsPort = metricsPort
        return flags
    }

    /// The configuration, or one readable line on stderr and exit status 2.
    func load() throws -> ConfigurationLoader.Result {
        do {
            return try ConfigurationLoader.load(flags: flags)
        } catch {
            FileHandle.standardError.write(Data("reverb-tui: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
