extension ConfigurationFile {
    /// `server.scaling`: `{enabled, channel, server: {url, host, port, username, password, database, timeout}}`,
    /// the shape of `config/reverb.php`.
    static func applyScaling(
        _ value: JSONValue, at key: String, reader: inout Reader, to configuration: inout ServerConfiguration
    ) throws(ConfigurationError) {
        if value.isNull { return }
        let members = try reader.object(value, at: key, allowed: ["enabled", "channel", "queue", "server"])
        if let queue = members["queue"] {
            configuration.scaling.queueCapacity = try reader.integer(queue, at: "\(key).queue", minimum: 1)
        }
        if let enabled = members["enabled"] {
            configuration.scaling.enabled = try reader.boolean(enabled, at: "\(key).enabled")
        }
        if let channel = members["channel"] {
            configuration.scaling.channel = try reader.string(channel, at: "\(key).channel")
        }
        guard let server = members["server"], !server.isNull else { return }
        let path = "\(key).server"
        let fields = try reader.object(
            server, at: path,
            allowed: ["url", "host", "port", "username", "password", "database", "timeout", "ca_file"])
        func text(_ name: String) throws(ConfigurationError) -> String? {
            guard let value = fields[name], !value.isNull else { return nil }
            let text = try reader.scalarText(value, at: "\(path).\(name)")
            return text == "null" ? nil : text
        }
        var redis = configuration.scaling.redis
        if let url = try text("url") {
            configuration.scaling.url = url
            configuration.scaling.urlSource = reader.path
        }
        if let host = try text("host") { redis.host = host }
        if let port = fields["port"], !port.isNull {
            redis.port = try reader.integer(
                .number(try reader.scalarText(port, at: "\(path).port")), at: "\(path).port", minimum: 1,
                maximum: 65_535)
        }
        if fields["username"] != nil { redis.username = try text("username") }
        if fields["password"] != nil { redis.password = try text("password") }
        if fields["ca_file"] != nil { redis.caFile = try text("ca_file") }
        if let database = fields["database"], !database.isNull {
            redis.database = try reader.integer(
                .number(try reader.scalarText(database, at: "\(path).database")), at: "\(path).database", minimum: 0)
        }
        if let timeout = fields["timeout"], !timeout.isNull {
            redis.timeout = try reader.integer(
                .number(try reader.scalarText(timeout, at: "\(path).timeout")), at: "\(path).timeout", minimum: 1)
        }
        configuration.scaling.redis = redis
    }
}
