/// The app keys of Pusher's features that Reverb lacks: `user_authentication_timeout`, `subscription_count`
/// and `webhooks` (docs/users.md, docs/webhooks.md).
extension ConfigurationFile {
    static let pusherFeatureKeys = ["user_authentication_timeout", "subscription_count", "webhooks"]
    static let webhookKeys = ["url", "event_types", "filter", "headers"]
    static let webhookFilterKeys = ["channel_name_starts_with", "channel_name_ends_with"]

    static func applyPusherFeature(
        _ member: JSONMember, at key: String, reader: Reader, to app: inout Application
    ) throws(ConfigurationError) {
        switch member.key {
        case "user_authentication_timeout":
            app.userAuthenticationTimeout =
                member.value.isNull ? nil : try reader.integer(member.value, at: key, minimum: 1)
        case "subscription_count":
            app.subscriptionCount = try reader.boolean(member.value, at: key)
        case "webhooks":
            guard case .array(let list) = member.value else {
                throw reader.error(key, member.value, "an array of webhook objects")
            }
            app.webhooks = try list.enumerated().map { index, value throws(ConfigurationError) in
                try webhook(value, at: "\(key)[\(index)]", reader: reader)
            }
        default:
            break
        }
    }

    private static func webhook(
        _ value: JSONValue, at key: String, reader: Reader
    ) throws(ConfigurationError) -> WebhookEndpoint {
        let members = try reader.object(value, at: key, allowed: webhookKeys)
        guard let urlValue = members["url"] else {
            throw ConfigurationError(
                source: reader.path, key: "\(key).url", value: "", expected: "a value (it is required)")
        }
        let url = try reader.string(urlValue, at: "\(key).url")
        guard let scheme = url.split(separator: ":").first?.lowercased(), scheme == "http" || scheme == "https",
            url.contains("://"), url.split(separator: "/").count >= 2
        else { throw reader.error("\(key).url", urlValue, "an http:// or https:// URL") }
        var endpoint = WebhookEndpoint(url: url)
        if let types = members["event_types"] {
            guard case .array(let list) = types, !list.isEmpty else {
                throw reader.error("\(key).event_types", types, "a non-empty array of webhook event names")
            }
            var set = Set<WebhookEventType>()
            for item in list {
                guard case .string(let name) = item, let type = WebhookEventType(rawValue: name) else {
                    throw reader.error(
                        "\(key).event_types", item,
                        "one of " + WebhookEventType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                set.insert(type)
            }
            endpoint.eventTypes = set
        }
        if let filter = members["filter"], !filter.isNull {
            let fields = try reader.object(filter, at: "\(key).filter", allowed: webhookFilterKeys)
            if let prefix = fields["channel_name_starts_with"] {
                endpoint.filter.channelNameStartsWith = try reader.string(
                    prefix, at: "\(key).filter.channel_name_starts_with")
            }
            if let suffix = fields["channel_name_ends_with"] {
                endpoint.filter.channelNameEndsWith = try reader.string(
                    suffix, at: "\(key).filter.channel_name_ends_with")
            }
        }
        if let headers = members["headers"], !headers.isNull {
            guard case .object(let fields) = headers else {
                throw reader.error("\(key).headers", headers, "an object of header names to string values")
            }
            for field in fields {
                guard case .string(let text) = field.value, !field.key.isEmpty else {
                    throw reader.error("\(key).headers.\(field.key)", field.value, "a string")
                }
                endpoint.headers[field.key] = text
            }
        }
        return endpoint
    }
}
