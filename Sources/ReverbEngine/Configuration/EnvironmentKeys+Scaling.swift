import Foundation

extension EnvironmentKeys {
    /// Laravel's `null` in a `.env` (`REDIS_PASSWORD=null`) means no value.
    private static func optional(_ value: ConfigurationValue) -> String? {
        let text = value.text.trimmingCharacters(in: .whitespaces)
        return ["", "null", "(null)"].contains(text) ? nil : text
    }

    /// Reverb's scaling variables and Laravel's Redis ones. `REDIS_URL` is merged over the others at the end of
    /// loading, so its position here does not matter.
    static let scaling: [(name: String, apply: Apply)] = [
        (
            "REVERB_SCALING_ENABLED",
            { v, c, _ throws(ConfigurationError) in c.scaling.enabled = try v.boolean() }
        ),
        (
            "REVERB_SCALING_CHANNEL",
            { v, c, _ throws(ConfigurationError) in c.scaling.channel = try v.nonEmpty() }
        ),
        (
            "REDIS_URL",
            { v, c, _ in
                c.scaling.url = optional(v)
                c.scaling.urlSource = v.source
            }
        ),
        (
            "REVERB_SCALING_QUEUE",
            { v, c, _ throws(ConfigurationError) in c.scaling.queueCapacity = try v.integer(minimum: 1) }
        ),
        ("REDIS_HOST", { v, c, _ throws(ConfigurationError) in c.scaling.redis.host = try v.nonEmpty() }),
        (
            "REDIS_PORT",
            { v, c, _ throws(ConfigurationError) in
                let port = try v.port()
                guard port > 0 else { throw v.error("a port number from 1 to 65535") }
                c.scaling.redis.port = port
            }
        ),
        ("REDIS_TLS_CA_FILE", { v, c, _ in c.scaling.redis.caFile = optional(v) }),
        ("REDIS_USERNAME", { v, c, _ in c.scaling.redis.username = optional(v) }),
        ("REDIS_PASSWORD", { v, c, _ in c.scaling.redis.password = optional(v) }),
        (
            "REDIS_DB",
            { v, c, _ throws(ConfigurationError) in
                c.scaling.redis.database = optional(v) == nil ? 0 : try v.integer(minimum: 0)
            }
        ),
        (
            "REDIS_TIMEOUT",
            { v, c, _ throws(ConfigurationError) in c.scaling.redis.timeout = try v.integer(minimum: 1) }
        ),
    ]
}
