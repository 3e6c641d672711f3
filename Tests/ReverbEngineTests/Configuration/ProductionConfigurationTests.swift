import Foundation
import Testing
@testable import ReverbEngine

@Suite("Production configuration")
struct ProductionConfigurationTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "reverb-prod-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func load(json: String, environment: [String: String] = [:]) throws -> ConfigurationLoader.Result {
        let directory = try temporaryDirectory()
        try json.write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
        var flags = ConfigurationLoader.Flags()
        flags.configFile = directory + "/config.json"
        return try ConfigurationLoader.load(flags: flags, environment: environment, workingDirectory: directory)
    }

    @Test("server.options.tls takes Reverb's local_cert, local_pk and passphrase; nulls and PHP options are ignored")
    func optionsTLS() throws {
        let result = try load(
            json: """
                {"server": {"options": {"tls": {"local_cert": "/c.pem", "local_pk": "/k.pem", "passphrase": "pw",
                 "verify_peer": false, "cafile": null}}}}
                """)
        #expect(
            result.configuration.tls
                == ServerConfiguration.TLSFiles(
                    certificateChainPath: "/c.pem", privateKeyPath: "/k.pem", passphrase: "pw"))
        let empty = try load(json: #"{"server": {"options": {"tls": {"local_cert": null, "local_pk": null}}}}"#)
        #expect(empty.configuration.tls == nil)
        let combined = try load(json: #"{"server": {"options": {"tls": {"local_cert": "/both.pem"}}}}"#)
        #expect(combined.configuration.tls?.privateKeyPath == "/both.pem")
    }

    @Test("an unknown TLS option or a key without its certificate is an error naming the key")
    func optionsTLSErrors() throws {
        let unknown = #expect(throws: ConfigurationError.self) {
            try load(json: #"{"server": {"options": {"tls": {"local_crt": "/c.pem"}}}}"#)
        }
        #expect(unknown?.key == "server.options.tls.local_crt")
        let keyOnly = #expect(throws: ConfigurationError.self) {
            try load(json: #"{"server": {"options": {"tls": {"local_pk": "/k.pem"}}}}"#)
        }
        #expect(keyOnly?.key == "server.options.tls.local_cert")
    }

    @Test("REVERB_TLS_PASSPHRASE joins the files from the environment; the metrics port has its variable")
    func environmentKeys() throws {
        let result = try load(
            json: "{}",
            environment: [
                "REVERB_TLS_CERT": "/c.pem", "REVERB_TLS_KEY": "/k.pem", "REVERB_TLS_PASSPHRASE": "pw",
                "REVERB_METRICS_PORT": "9464",
            ])
        #expect(result.configuration.tls?.passphrase == "pw")
        #expect(result.configuration.metricsPort == 9464)
        #expect(throws: ConfigurationError.self) { try load(json: "{}", environment: ["REVERB_METRICS_PORT": "x"]) }
    }

    @Test("with a hostname and no certificate, the Herd/Valet pair is used; a configured certificate wins")
    func valetDiscovery() throws {
        let home = try temporaryDirectory()
        let folder = home + "/.config/valet/Certificates"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "crt".write(toFile: folder + "/laravel.test.crt", atomically: true, encoding: .utf8)
        try "key".write(toFile: folder + "/laravel.test.key", atomically: true, encoding: .utf8)
        let found = try load(json: "{}", environment: ["HOME": home, "REVERB_HOST": "laravel.test"])
        #expect(found.configuration.tls?.certificateChainPath == folder + "/laravel.test.crt")
        #expect(found.configuration.tls?.privateKeyPath == folder + "/laravel.test.key")
        #expect(found.discoveredCertificate == folder + "/laravel.test.crt")
        let other = try load(json: "{}", environment: ["HOME": home, "REVERB_HOST": "other.test"])
        #expect(other.configuration.tls == nil)
        let configured = try load(
            json: #"{"server": {"options": {"tls": {"local_cert": "/c.pem", "local_pk": "/k.pem"}}}}"#,
            environment: ["HOME": home, "REVERB_HOST": "laravel.test"])
        #expect(configured.configuration.tls?.certificateChainPath == "/c.pem")
        #expect(configured.discoveredCertificate == nil)
        #expect(CertificateDiscovery.find(hostname: "../laravel.test", home: home) == nil)
    }

    @Test("the restart fingerprint follows the apps' ids and keys, not ports, secrets or TLS")
    func fingerprint() {
        let base = ServerConfiguration(
            host: "127.0.0.1", port: 8080, apps: [Application(id: "1", key: "k", secret: "s")])
        var rotated = base
        rotated.apps[0].secret = "new"
        rotated.tls = .init(certificateChainPath: "/c", privateKeyPath: "/k")
        #expect(base.fingerprint == rotated.fingerprint)
        #expect(base.fingerprint.count == 16)
        var moved = base
        moved.port = 8081
        moved.host = "0.0.0.0"
        #expect(moved.fingerprint == base.fingerprint)
        var twoApps = base
        twoApps.apps.append(Application(id: "2", key: "k2", secret: "s"))
        #expect(twoApps.fingerprint != base.fingerprint)
        var otherApp = base
        otherApp.apps[0].key = "k2"
        #expect(otherApp.fingerprint != base.fingerprint)
    }

    @Test("metrics route labels are templates, and unknown paths share one label")
    func routeTemplates() {
        #expect(APIRouter.routeTemplate(path: "/apps/1/events", prefix: "") == "/apps/{id}/events")
        #expect(
            APIRouter.routeTemplate(path: "/ws/apps/1/channels/x/users", prefix: "/ws")
                == "/apps/{id}/channels/{channel}/users")
        #expect(
            APIRouter.routeTemplate(path: "/users/9/terminate_connections", prefix: "")
                == "/users/{user}/terminate_connections")
        #expect(APIRouter.routeTemplate(path: "/wp-login.php", prefix: "") == "other")
    }
}
