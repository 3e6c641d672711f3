import Foundation

/// Builds a `ServerConfiguration` from, highest first: CLI flags, the process environment, a Laravel
/// `.env`, a JSON config file mirroring `config/reverb.php`, and built-in defaults (docs/protocol.md, Configuration sources).
public enum ConfigurationLoader {
    /// Values given on the command line; nil where a flag was not given.
    public struct Flags: Sendable {
        public var host: String?
        public var port: String?
        public var path: String?
        public var hostname: String?
        public var debug = false
        public var allowAttach = false
        public var configFile: String?
        public var envFile: String?
        public var tlsCertificate: String?
        public var tlsKey: String?
        public var metricsPort: String?

        public init() {}
    }

    /// A configuration and how it came about.
    public struct Result: Sendable {
        public var configuration: ServerConfiguration
        /// True when no app was configured and the built-in development app is served.
        public var usesDevelopmentApp: Bool
        /// The files that were read, for the banner.
        public var filesRead: [String]
        /// Where the TLS certificate was found when Herd or Valet supplied it (no TLS files configured).
        public var discoveredCertificate: String? = nil
    }

    public static func load(
        flags: Flags, environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(ConfigurationError) -> Result {
        var configuration = ServerConfiguration(apps: [])
        var filesRead: [String] = []

        if let path = flags.configFile {
            try ConfigurationFile.apply(contentsOf: path, to: &configuration)
            filesRead.append(path)
        }

        var dotEnv: [String: String] = [:]
        let envPath = flags.envFile ?? (workingDirectory as NSString).appendingPathComponent(".env")
        if let text = try? String(contentsOfFile: envPath, encoding: .utf8) {
            dotEnv = DotEnvFile.parse(text, environment: environment)
            filesRead.append(envPath)
        } else if let envFile = flags.envFile {
            throw ConfigurationError(
                source: "--env-file", key: "env-file", value: envFile, expected: "a readable .env file")
        }

        var appFields = EnvironmentKeys.AppFields()
        for (name, apply) in EnvironmentKeys.all + EnvironmentKeys.scaling + ServerLimits.environmentKeys {
            let value: ConfigurationValue
            if let text = environment[name] {
                value = ConfigurationValue(source: "environment variable", key: name, text: text)
            } else if let text = dotEnv[name] {
                value = ConfigurationValue(source: envPath, key: name, text: text)
            } else {
                continue
            }
            try apply(value, &configuration, &appFields)
        }
        try applyAppFields(appFields, to: &configuration)
        try applyFlags(flags, to: &configuration)

        let usesDevelopmentApp = configuration.apps.isEmpty
        if usesDevelopmentApp { configuration.apps = [.development] }
        // A passphrase alone (REVERB_TLS_PASSPHRASE) names no files: it applies to a discovered certificate.
        let passphrase = configuration.tls?.passphrase
        if let tls = configuration.tls, tls.certificateChainPath.isEmpty, tls.privateKeyPath.isEmpty {
            configuration.tls = nil
        }
        var discoveredCertificate: String?
        if configuration.tls == nil, let hostname = configuration.hostname,
            var found = CertificateDiscovery.find(hostname: hostname, home: environment["HOME"] ?? "")
        {
            found.passphrase = passphrase
            configuration.tls = found
            discoveredCertificate = found.certificateChainPath
        }
        if let tls = configuration.tls, tls.certificateChainPath.isEmpty || tls.privateKeyPath.isEmpty {
            throw ConfigurationError(
                source: "TLS settings", key: "tls", value: tls.certificateChainPath + tls.privateKeyPath,
                expected: "both a certificate file and a private key file")
        }
        _ = try ApplicationDirectory(configuration.apps)
        configuration.scaling = try configuration.scaling.resolved()
        return Result(
            configuration: configuration, usesDevelopmentApp: usesDevelopmentApp, filesRead: filesRead,
            discoveredCertificate: discoveredCertificate)
    }

    /// `REVERB_APP_*` describe the first app (Laravel's `config/reverb.php` reads them for its one app).
    private static func applyAppFields(
        _ fields: EnvironmentKeys.AppFields, to configuration: inout ServerConfiguration
    ) throws(ConfigurationError) {
        guard !fields.isEmpty else { return }
        if let first = configuration.apps.first {
            configuration.apps[0] = fields.applied(to: first)
            return
        }
        for (name, value) in [
            ("REVERB_APP_ID", fields.id), ("REVERB_APP_KEY", fields.key), ("REVERB_APP_SECRET", fields.secret),
        ]
        where value == nil {
            throw ConfigurationError(
                source: "environment", key: name, value: "",
                expected: "REVERB_APP_ID, REVERB_APP_KEY and REVERB_APP_SECRET to be set together")
        }
        configuration.apps = [fields.applied(to: Application(id: fields.id!, key: fields.key!, secret: fields.secret!))]
    }

    private static func applyFlags(
        _ flags: Flags, to configuration: inout ServerConfiguration
    ) throws(ConfigurationError) {
        if let host = flags.host {
            configuration.host = try ConfigurationValue(source: "command line", key: "--host", text: host).nonEmpty()
        }
        if let port = flags.port {
            configuration.port = try ConfigurationValue(source: "command line", key: "--port", text: port).port()
        }
        if let path = flags.path { configuration.path = path }
        if let hostname = flags.hostname { configuration.hostname = hostname }
        if let metricsPort = flags.metricsPort {
            configuration.metricsPort = try ConfigurationValue(
                source: "command line", key: "--metrics-port", text: metricsPort
            ).optionalPort()
        }
        if flags.debug { configuration.debug = true }
        if flags.allowAttach { configuration.allowAttach = true }
        if flags.tlsCertificate != nil || flags.tlsKey != nil {
            configuration.tls = ServerConfiguration.TLSFiles(
                certificateChainPath: flags.tlsCertificate ?? configuration.tls?.certificateChainPath ?? "",
                privateKeyPath: flags.tlsKey ?? configuration.tls?.privateKeyPath ?? "")
        }
    }
}
