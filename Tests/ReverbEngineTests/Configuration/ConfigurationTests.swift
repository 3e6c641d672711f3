import Foundation
import Testing
@testable import ReverbEngine

@Suite("Configuration")
struct ConfigurationTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "reverb-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("nothing configured: the built-in development app on 0.0.0.0:8080")
    func defaults() throws {
        let result = try ConfigurationLoader.load(
            flags: .init(), environment: [:], workingDirectory: try temporaryDirectory())
        #expect(result.usesDevelopmentApp)
        #expect(result.configuration.apps == [.development])
        #expect(result.configuration.host == "0.0.0.0")
        #expect(result.configuration.port == 8080)
    }

    @Test(".env in the working directory is read the way Laravel writes it")
    func dotEnv() throws {
        let directory = try temporaryDirectory()
        try """
        # Laravel
        APP_NAME="My App"
        REVERB_APP_ID=532116
        REVERB_APP_KEY="kvyd0ecq"
        export REVERB_APP_SECRET='s3cr3t'
        REVERB_HOST="localhost"
        REVERB_SERVER_PORT=9090 # inline comment
        VITE_REVERB_APP_KEY="${REVERB_APP_KEY}"
        REVERB_APP_MAX_CONNECTIONS=
        REVERB_APP_ACCEPT_CLIENT_EVENTS_FROM=all
        """.write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let result = try ConfigurationLoader.load(flags: .init(), environment: [:], workingDirectory: directory)
        let app = try #require(result.configuration.apps.first)
        #expect(!result.usesDevelopmentApp)
        #expect(app.id == "532116" && app.key == "kvyd0ecq" && app.secret == "s3cr3t")
        #expect(app.maxConnections == nil)
        #expect(app.acceptClientEventsFrom == .all)
        #expect(result.configuration.port == 9090)
        #expect(result.configuration.hostname == "localhost")
        #expect(DotEnvFile.parse("A=1\nB=\"${A}x\"")["B"] == "1x")
    }

    @Test("precedence: flags > environment > .env > config file > defaults")
    func precedence() throws {
        let directory = try temporaryDirectory()
        try
            #"{"server":{"host":"127.0.0.2","port":7000,"path":"ws"},"apps":[{"app_id":1,"key":"file-key","secret":"file-secret","ping_interval":5}]}"#
            .write(toFile: directory + "/reverb.json", atomically: true, encoding: .utf8)
        try "REVERB_SERVER_PORT=7001\nREVERB_APP_KEY=dotenv-key\nREVERB_SERVER_HOST=127.0.0.3\n"
            .write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        var flags = ConfigurationLoader.Flags()
        flags.configFile = directory + "/reverb.json"
        flags.port = "7003"
        let result = try ConfigurationLoader.load(
            flags: flags, environment: ["REVERB_SERVER_PORT": "7002", "REVERB_APP_KEY": "env-key"],
            workingDirectory: directory)
        let configuration = result.configuration
        #expect(configuration.port == 7003)
        #expect(configuration.host == "127.0.0.3")
        #expect(configuration.routePrefix == "/ws")
        #expect(configuration.apps.map(\.key) == ["env-key"])
        #expect(configuration.apps.first?.id == "1")
        #expect(configuration.apps.first?.pingInterval == 5)
    }

    @Test("a bad value names its source, key, value and the expected form")
    func errors() throws {
        let directory = try temporaryDirectory()
        #expect(
            throws: ConfigurationError(
                source: "environment variable", key: "REVERB_SERVER_PORT", value: "eighty",
                expected: "a port number from 0 to 65535")
        ) {
            try ConfigurationLoader.load(
                flags: .init(), environment: ["REVERB_SERVER_PORT": "eighty"], workingDirectory: directory)
        }
        try #"{"apps":[{"app_id":"1","key":"k","secret":"s","max_connections":0}]}"#
            .write(toFile: directory + "/bad.json", atomically: true, encoding: .utf8)
        var flags = ConfigurationLoader.Flags()
        flags.configFile = directory + "/bad.json"
        do {
            _ = try ConfigurationLoader.load(flags: flags, environment: [:], workingDirectory: directory)
            Issue.record("expected an error")
        } catch {
            #expect(error.key == "apps[0].max_connections")
            #expect(
                error.description
                    == "Invalid configuration: apps[0].max_connections = \"0\" from \(directory)/bad.json; expected a whole number of at least 1."
            )
        }
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(
                flags: .init(), environment: ["REVERB_APP_KEY": "only-a-key"], workingDirectory: directory)
        }
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(
                flags: .init(),
                environment: [
                    "REVERB_APP_ACCEPT_CLIENT_EVENTS_FROM": "everyone", "REVERB_APP_ID": "1", "REVERB_APP_KEY": "k",
                    "REVERB_APP_SECRET": "s",
                ], workingDirectory: directory)
        }
    }
}
