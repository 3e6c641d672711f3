import Foundation

/// Reads the JSON config file: `{"server": {...}, "apps": [{...}]}` with `config/reverb.php`'s key names.
enum ConfigurationFile {
    static let serverKeys =
        [
            "host", "port", "path", "hostname", "max_request_size", "pong_timeout", "slow_client_timeout",
            "write_buffer_limit", "api_timestamp_window", "tls", "options", "metrics_port", "metrics_host", "scaling",
        ] + ServerLimits.fileKeys.map(\.key)
    static let appKeys = [
        "app_id", "key", "secret", "allowed_origins", "ping_interval", "activity_timeout", "max_message_size",
        "max_connections", "accept_client_events_from", "rate_limiting", "options",
    ]

    static func apply(contentsOf path: String, to configuration: inout ServerConfiguration) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(source: "--config", key: "config", value: path, expected: "a readable JSON file")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: data)
        } catch {
            throw ConfigurationError(source: path, key: "(document)", value: error.description, expected: "valid JSON")
        }
        var reader = Reader(path: path)
        let root = try reader.object(document, at: "(document)", allowed: ["server", "apps"])
        if let server = root["server"] {
            let members = try reader.object(server, at: "server", allowed: serverKeys)
            for member in members { try applyServer(member, reader: &reader, to: &configuration) }
        }
        if let apps = root["apps"] {
            guard case .array(let list) = apps else { throw reader.error("apps", apps, "an array of app objects") }
            configuration.apps = try list.enumerated().map { index, value throws(ConfigurationError) in
                try app(value, at: "apps[\(index)]", reader: &reader)
            }
        }
    }

    private static func applyServer(
        _ member: JSONMember, reader: inout Reader, to configuration: inout ServerConfiguration
    ) throws(ConfigurationError) {
        let key = "server.\(member.key)"
        switch member.key {
        case "host": configuration.host = try reader.string(member.value, at: key)
        case "port": configuration.port = try reader.integer(member.value, at: key, minimum: 0, maximum: 65_535)
        case "path": configuration.path = try reader.string(member.value, at: key, allowEmpty: true)
        case "hostname": configuration.hostname = member.value.isNull ? nil : try reader.string(member.value, at: key)
        case "max_request_size": configuration.maxRequestSize = try reader.integer(member.value, at: key, minimum: 1)
        case "pong_timeout": configuration.pongTimeout = try reader.integer(member.value, at: key, minimum: 1)
        case "slow_client_timeout":
            configuration.slowClientTimeout = try reader.integer(member.value, at: key, minimum: 1)
        case "write_buffer_limit":
            configuration.writeBufferLimit = try reader.integer(member.value, at: key, minimum: 65_536)
        case "api_timestamp_window":
            configuration.apiTimestampWindow = try reader.integer(member.value, at: key, minimum: 0)
        case "scaling": try applyScaling(member.value, at: key, reader: &reader, to: &configuration)
        case "tls":
            if member.value.isNull { return }
            let tls = try reader.object(member.value, at: key, allowed: ["cert", "key", "passphrase"])
            configuration.tls = ServerConfiguration.TLSFiles(
                certificateChainPath: try reader.string(tls["cert"] ?? .null, at: "\(key).cert"),
                privateKeyPath: try reader.string(tls["key"] ?? .null, at: "\(key).key"),
                passphrase: try tls["passphrase"].map { v throws(ConfigurationError) in
                    try reader.string(v, at: "\(key).passphrase")
                })
        case "metrics_port":
            configuration.metricsPort =
                member.value.isNull ? nil : try reader.integer(member.value, at: key, minimum: 0, maximum: 65_535)
        case "metrics_host":
            configuration.metricsHost = member.value.isNull ? nil : try reader.string(member.value, at: key)
        case "options":
            if member.value.isNull { return }
            let options = try reader.object(member.value, at: key, allowed: ["tls"])
            if let tls = options["tls"], !tls.isNull {
                configuration.tls = try TLSOptions.files(tls, at: "\(key).tls", reader: reader)
            }
        default:
            if let entry = ServerLimits.fileKeys.first(where: { $0.key == member.key }) {
                entry.set(&configuration.limits, try reader.integer(member.value, at: key, minimum: 1))
            }
        }
    }

    private static func app(
        _ value: JSONValue, at path: String, reader: inout Reader
    ) throws(ConfigurationError) -> Application {
        let members = try reader.object(value, at: path, allowed: appKeys + pusherFeatureKeys)
        func required(_ key: String) throws(ConfigurationError) -> String {
            guard let value = members[key] else {
                throw ConfigurationError(
                    source: reader.path, key: "\(path).\(key)", value: "", expected: "a value (it is required)")
            }
            return try reader.scalarText(value, at: "\(path).\(key)")
        }
        var app = Application(id: try required("app_id"), key: try required("key"), secret: try required("secret"))
        for member in members {
            let key = "\(path).\(member.key)"
            switch member.key {
            case "allowed_origins":
                guard case .array(let list) = member.value else {
                    throw reader.error(key, member.value, "an array of host patterns")
                }
                app.allowedOrigins = try list.map { v throws(ConfigurationError) in try reader.string(v, at: key) }
            case "ping_interval": app.pingInterval = try reader.integer(member.value, at: key, minimum: 1)
            case "activity_timeout": app.activityTimeout = try reader.integer(member.value, at: key, minimum: 1)
            case "max_message_size": app.maxMessageSize = try reader.integer(member.value, at: key, minimum: 1)
            case "max_connections":
                app.maxConnections = member.value.isNull ? nil : try reader.integer(member.value, at: key, minimum: 1)
            case "accept_client_events_from":
                let text = try reader.string(member.value, at: key)
                guard let policy = Application.ClientEventPolicy(rawValue: text) else {
                    throw reader.error(key, member.value, "members, all or none")
                }
                app.acceptClientEventsFrom = policy
            case "rate_limiting":
                let limits = try reader.object(
                    member.value, at: key, allowed: ["enabled", "max_attempts", "decay_seconds", "terminate_on_limit"])
                var limit = Application.RateLimit()
                if let v = limits["max_attempts"] {
                    limit.maxAttempts = try reader.integer(v, at: "\(key).max_attempts", minimum: 1)
                }
                if let v = limits["decay_seconds"] {
                    limit.decaySeconds = try reader.integer(v, at: "\(key).decay_seconds", minimum: 1)
                }
                if let v = limits["terminate_on_limit"] {
                    limit.terminateOnLimit = try reader.boolean(v, at: "\(key).terminate_on_limit")
                }
                let enabled =
                    try limits["enabled"].map { v throws(ConfigurationError) in
                        try reader.boolean(v, at: "\(key).enabled")
                    } ?? false
                app.rateLimit = enabled ? limit : nil
            default: try applyPusherFeature(member, at: key, reader: reader, to: &app)
            }
        }
        return app
    }

    /// Type checks with errors naming the file, the key path and the expected form.
    struct Reader {
        let path: String

        func error(_ key: String, _ value: JSONValue, _ expected: String) -> ConfigurationError {
            ConfigurationError(source: path, key: key, value: value.jsonText, expected: expected)
        }

        func object(_ value: JSONValue, at key: String, allowed: [String]) throws(ConfigurationError) -> [JSONMember] {
            guard case .object(let members) = value else { throw error(key, value, "an object") }
            for member in members where !allowed.contains(member.key) {
                throw ConfigurationError(
                    source: path, key: key == "(document)" ? member.key : "\(key).\(member.key)",
                    value: member.value.jsonText,
                    expected: "one of the known keys: \(allowed.joined(separator: ", "))")
            }
            return members
        }

        func string(_ value: JSONValue, at key: String, allowEmpty: Bool = false) throws(ConfigurationError) -> String {
            guard case .string(let text) = value, allowEmpty || !text.isEmpty else {
                throw error(key, value, "a non-empty string")
            }
            return text
        }

        /// Ids may be written as strings or numbers (`"app_id": 123456`).
        func scalarText(_ value: JSONValue, at key: String) throws(ConfigurationError) -> String {
            switch value {
            case .string(let text) where !text.isEmpty: return text
            case .number(let literal): return literal
            default: throw error(key, value, "a non-empty string")
            }
        }

        func integer(
            _ value: JSONValue, at key: String, minimum: Int, maximum: Int = .max
        ) throws(ConfigurationError) -> Int {
            guard case .number(let literal) = value, let number = Int(literal), number >= minimum, number <= maximum
            else {
                throw error(
                    key, value,
                    maximum == .max
                        ? "a whole number of at least \(minimum)" : "a whole number from \(minimum) to \(maximum)")
            }
            return number
        }

        func boolean(_ value: JSONValue, at key: String) throws(ConfigurationError) -> Bool {
            guard case .bool(let flag) = value else { throw error(key, value, "true or false") }
            return flag
        }
    }
}

extension [JSONMember] {
    subscript(key: String) -> JSONValue? { first(where: { $0.key == key })?.value }
}
