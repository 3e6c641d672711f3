/// Every configured app, found by key (WebSocket `/app/{key}`) or by id (HTTP API `/apps/{id}`).
package struct ApplicationDirectory: Sendable {
    package let all: [Application]
    private let byKey: [String: Application]
    private let byID: [String: Application]
    private let sharedByKey: [String: ApplicationBox]

    /// Fails when two apps share an id or a key.
    package init(_ apps: [Application]) throws(ConfigurationError) {
        var byKey: [String: Application] = [:]
        var byID: [String: Application] = [:]
        for app in apps {
            guard byKey.updateValue(app, forKey: app.key) == nil else {
                throw ConfigurationError(
                    source: "apps", key: "key", value: app.key, expected: "a key used by one app only")
            }
            guard byID.updateValue(app, forKey: app.id) == nil else {
                throw ConfigurationError(
                    source: "apps", key: "app_id", value: app.id, expected: "an id used by one app only")
            }
        }
        self.all = apps
        self.byKey = byKey
        self.byID = byID
        self.sharedByKey = byKey.mapValues(ApplicationBox.init)
    }

    package func app(key: String) -> Application? { byKey[key] }
    package func app(id: String) -> Application? { byID[id] }
    /// The app of a WebSocket key as the one shared copy that sockets keep.
    package func sharedApp(key: String) -> ApplicationBox? { sharedByKey[key] }
}
