import Foundation
import Testing

@testable import ReverbEngine

@Suite("Configuration of limits")
struct LimitsConfigurationTests {
    @Test("defaults: 10 s handshake, 30 s idle, 100 subscriptions per socket, 100,000 channels per app")
    func defaults() {
        let limits = ServerConfiguration().limits
        #expect(limits.handshakeTimeout == 10)
        #expect(limits.httpIdleTimeout == 30)
        #expect(limits.maxSubscriptionsPerConnection == 100)
        #expect(limits.maxChannelsPerApp == 100_000)
    }

    @Test("config file keys under server, overridden by REVERB_* variables")
    func fileAndEnvironment() throws {
        let path = NSTemporaryDirectory() + "reverb-limits-\(UUID().uuidString).json"
        try #"""
        {"server": {"handshake_timeout": 3, "http_idle_timeout": 4, "max_subscriptions_per_connection": 5,
                    "max_channels_per_app": 6},
         "apps": [{"app_id": "1", "key": "k", "secret": "s"}]}
        """#.write(toFile: path, atomically: true, encoding: .utf8)
        var flags = ConfigurationLoader.Flags()
        flags.configFile = path
        let fromFile = try ConfigurationLoader.load(flags: flags, environment: [:], workingDirectory: "/nonexistent")
        #expect(
            fromFile.configuration.limits
                == ServerLimits(
                    handshakeTimeout: 3, httpIdleTimeout: 4, maxSubscriptionsPerConnection: 5, maxChannelsPerApp: 6))
        let overridden = try ConfigurationLoader.load(
            flags: flags, environment: ["REVERB_HANDSHAKE_TIMEOUT": "7", "REVERB_MAX_CHANNELS_PER_APP": "8"],
            workingDirectory: "/nonexistent")
        #expect(overridden.configuration.limits.handshakeTimeout == 7)
        #expect(overridden.configuration.limits.maxChannelsPerApp == 8)
        #expect(overridden.configuration.limits.httpIdleTimeout == 4)
    }

    @Test("a limit must be a whole number of at least 1")
    func invalid() {
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(
                flags: .init(), environment: ["REVERB_HTTP_IDLE_TIMEOUT": "0"], workingDirectory: "/nonexistent")
        }
    }
}
