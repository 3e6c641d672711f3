import Foundation
import Testing
@testable import ReverbEngine

@Suite("Configuration: sign-in timeout, subscription counts, webhooks")
struct PusherFeatureConfigurationTests {
    func load(_ json: String) throws -> ServerConfiguration {
        let directory = NSTemporaryDirectory() + "reverb-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try json.write(toFile: directory + "/reverb.json", atomically: true, encoding: .utf8)
        var flags = ConfigurationLoader.Flags()
        flags.configFile = directory + "/reverb.json"
        return try ConfigurationLoader.load(flags: flags, environment: [:], workingDirectory: directory).configuration
    }

    func app(_ members: String) -> String {
        #"{"apps":[{"app_id":"1","key":"k","secret":"s"\#(members)}]}"#
    }

    @Test("off by default; every key read from the app object")
    func keys() throws {
        let plain = try #require(try load(app("")).apps.first)
        #expect(plain.userAuthenticationTimeout == nil && !plain.subscriptionCount && plain.webhooks.isEmpty)
        let configured = try #require(
            try load(
                app(
                    #","user_authentication_timeout":30,"subscription_count":true,"webhooks":["#
                        + #"{"url":"https://example.com/hook","event_types":["channel_occupied","member_added"],"#
                        + #""filter":{"channel_name_starts_with":"private-","channel_name_ends_with":"-x"},"#
                        + #""headers":{"X-Team":"shop"}},{"url":"http://127.0.0.1:9/"}]"#)
            ).apps.first)
        #expect(configured.userAuthenticationTimeout == 30 && configured.subscriptionCount)
        #expect(
            configured.webhooks == [
                WebhookEndpoint(
                    url: "https://example.com/hook", eventTypes: [.channelOccupied, .memberAdded],
                    filter: .init(channelNameStartsWith: "private-", channelNameEndsWith: "-x"),
                    headers: ["X-Team": "shop"]),
                WebhookEndpoint(url: "http://127.0.0.1:9/"),
            ])
        #expect(configured.webhooks[1].eventTypes.count == 7)
    }

    @Test(
        "a bad value names the key and what was expected",
        arguments: [
            (#","webhooks":[{"url":"ftp://x/"}]"#, "apps[0].webhooks[0].url"),
            (#","webhooks":[{"event_types":["channel_occupied"]}]"#, "apps[0].webhooks[0].url"),
            (
                #","webhooks":[{"url":"http://x/","event_types":["channel_exploded"]}]"#,
                "apps[0].webhooks[0].event_types"
            ),
            (#","webhooks":[{"url":"http://x/","event_types":[]}]"#, "apps[0].webhooks[0].event_types"),
            (#","webhooks":[{"url":"http://x/","filter":{"name":"a"}}]"#, "apps[0].webhooks[0].filter.name"),
            (#","webhooks":[{"url":"http://x/","headers":{"X":1}}]"#, "apps[0].webhooks[0].headers.X"),
            (#","webhooks":[{"url":"http://x/","retries":3}]"#, "apps[0].webhooks[0].retries"),
            (#","webhooks":{}"#, "apps[0].webhooks"),
            (#","subscription_count":"yes""#, "apps[0].subscription_count"),
            (#","user_authentication_timeout":0"#, "apps[0].user_authentication_timeout"),
        ])
    func errors(members: String, key: String) {
        do {
            _ = try load(app(members))
            Issue.record("accepted \(members)")
        } catch let error as ConfigurationError {
            #expect(error.key == key, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
