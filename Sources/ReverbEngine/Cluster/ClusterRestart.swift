import NIOCore
import NIOPosix

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
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let client = try RedisClient(name: "restart", endpoint: scaling.redis, loop: group.next())
        client.start()
        let deadline = ContinuousClock.now + timeout
        while !client.isConnected {
            guard ContinuousClock.now < deadline else {
                _ = try? await client.stop().get()
                throw Failure(description: "cannot reach Redis at \(scaling.redis.displayAddress)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let envelope = ClusterEnvelope(origin: "restart", body: .restart).jsonText
        let reply = try await client.send(["PUBLISH", scaling.channel, envelope]).get()
        _ = try? await client.stop().get()
        return reply.int ?? 0
    }
}
