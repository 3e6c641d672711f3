import NIOCore

/// `reverb-tui restart` with scaling on: tells every node of the cluster to shut down gracefully (each socket
/// gets close code 4200 so clients reconnect, then the process exits 0 for its supervisor to start it again).
public enum ClusterRestart {
    /// Why the restart could not be sent.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Publishes the restart on the scaling channel; returns how many nodes received it.
    public static func broadcast(
        configuration: ServerConfiguration, timeout: Duration = .seconds(5)
    ) async throws
        -> Int
    {
        let scaling = configuration.scaling
        guard scaling.enabled else { throw Failure(description: "scaling is off (REVERB_SCALING_ENABLED)") }
        let envelope = ClusterEnvelope(origin: "restart", body: .restart).jsonText
        let reply: RESPValue
        do {
            reply = try await RedisClient.once(scaling, name: "restart", timeout: timeout) { client in
                try await client.send(["PUBLISH", scaling.channel, envelope]).get()
            }
        } catch {
            throw Failure(description: "\(error)")
        }
        return reply.int ?? 0
    }
}

/// `reverb-tui doctor`'s Redis check, with the server's own client: connect, log in, select, PING.
public enum ClusterProbe {
    /// Nil when Redis answered PONG; otherwise what went wrong, in words.
    public static func ping(configuration: ServerConfiguration, timeout: Duration = .seconds(3)) async -> String? {
        do {
            let reply = try await RedisClient.once(configuration.scaling, name: "doctor", timeout: timeout) { client in
                try await client.send(["PING"]).get()
            }
            return reply.string == "PONG" ? nil : "unexpected answer to PING: \(reply)"
        } catch {
            return "\(error)"
        }
    }
}
