import Foundation
import Testing

@testable import ReverbEngine

@Suite("Scaling configuration")
struct ScalingConfigurationTests {
    func load(_ environment: [String: String], file: String? = nil) throws -> ServerConfiguration {
        let directory = NSTemporaryDirectory() + "reverb-scaling-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var flags = ConfigurationLoader.Flags()
        if let file {
            flags.configFile = directory + "/config.json"
            try file.write(toFile: flags.configFile!, atomically: true, encoding: .utf8)
        }
        return try ConfigurationLoader.load(flags: flags, environment: environment, workingDirectory: directory)
            .configuration
    }

    @Test("off by default, Reverb's defaults otherwise")
    func defaults() throws {
        let scaling = try load([:]).scaling
        #expect(!scaling.enabled)
        #expect(scaling.channel == "reverb")
        #expect(scaling.redis == RedisEndpoint(host: "127.0.0.1", port: 6379, database: 0, timeout: 60))
        #expect(scaling.summary == "off")
    }

    @Test("REVERB_SCALING_* and REDIS_* as Laravel writes them (null means unset)")
    func environment() throws {
        let scaling = try load([
            "REVERB_SCALING_ENABLED": "true", "REVERB_SCALING_CHANNEL": "cluster-a", "REDIS_HOST": "10.0.0.5",
            "REDIS_PORT": "6380", "REDIS_USERNAME": "null", "REDIS_PASSWORD": "null", "REDIS_DB": "2",
            "REDIS_TIMEOUT": "5",
        ]).scaling
        #expect(scaling.enabled)
        #expect(scaling.channel == "cluster-a")
        #expect(scaling.redis == RedisEndpoint(host: "10.0.0.5", port: 6380, database: 2, timeout: 5))
        #expect(scaling.redis.displayAddress == "redis://10.0.0.5:6380/2")
    }

    @Test("REDIS_URL wins over the separate keys; rediss:// is TLS; the password is never displayed")
    func url() throws {
        let scaling = try load([
            "REVERB_SCALING_ENABLED": "1", "REDIS_HOST": "ignored",
            "REDIS_URL": "rediss://app:s3cret@cache.internal:6390/3",
        ]).scaling
        #expect(scaling.redis.host == "cache.internal")
        #expect(scaling.redis.port == 6390)
        #expect(scaling.redis.username == "app")
        #expect(scaling.redis.password == "s3cret")
        #expect(scaling.redis.database == 3)
        #expect(scaling.redis.tls)
        #expect(scaling.redis.displayAddress == "rediss://app@cache.internal:6390/3")
        #expect(!scaling.summary.contains("s3cret"))
        let query = try load(["REDIS_URL": "redis://127.0.0.1?password=p&db=4"]).scaling.redis
        #expect(query.password == "p" && query.database == 4 && !query.tls)
    }

    @Test("JSON server.scaling mirrors config/reverb.php")
    func file() throws {
        let scaling = try load(
            [:],
            file: """
                {"server": {"scaling": {"enabled": true, "channel": "nodes", "queue": 7,
                  "server": {"url": null, "host": "127.0.0.2", "port": 7000, "username": "u", "password": "p",
                             "database": "1", "timeout": 3}}}}
                """
        ).scaling
        #expect(scaling.enabled && scaling.channel == "nodes" && scaling.queueCapacity == 7)
        #expect(
            scaling.redis
                == RedisEndpoint(host: "127.0.0.2", port: 7000, username: "u", password: "p", database: 1, timeout: 3))
    }

    @Test(
        "bad values stop start-up with one line naming the key",
        arguments: [
            ["REVERB_SCALING_ENABLED": "maybe"], ["REDIS_PORT": "0"], ["REDIS_PORT": "http"], ["REDIS_DB": "-1"],
            ["REDIS_TIMEOUT": "soon"], ["REDIS_URL": "http://x:y@host"], ["REDIS_URL": "redis://host/notanumber"],
        ])
    func badValues(_ environment: [String: String]) throws {
        do {
            _ = try load(environment)
            Issue.record("accepted \(environment)")
        } catch let error as ConfigurationError {
            let line = error.description
            #expect(!line.contains("\n"))
            #expect(line.contains(environment.keys.first!))
            #expect(!line.contains(":y@"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a bad JSON scaling value names its path")
    func badFile() throws {
        #expect(throws: ConfigurationError.self) {
            _ = try load([:], file: #"{"server": {"scaling": {"enabled": "yes"}}}"#)
        }
        #expect(throws: ConfigurationError.self) {
            _ = try load([:], file: #"{"server": {"scaling": {"server": {"port": 70000}}}}"#)
        }
        #expect(throws: ConfigurationError.self) {
            _ = try load([:], file: #"{"server": {"scaling": {"nope": 1}}}"#)
        }
    }
}
