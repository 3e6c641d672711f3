import NIOCore
import NIOPosix
import Synchronization

extension RedisClient {
    /// Why a one-off Redis connection could not be used.
    package struct OnceFailure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Connects to the scaling configuration's Redis (AUTH, SELECT and TLS as configured), runs `body` with the
    /// logged-in client and closes it: for the CLI tools (`restart`, `doctor`) that need Redis for one command.
    package static func once<Result: Sendable>(
        _ scaling: ScalingConfiguration, name: String, timeout: Duration = .seconds(5),
        _ body: @Sendable (RedisClient) async throws -> Result
    ) async throws -> Result {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let lastProblem = Mutex<String?>(nil)
        let client = try RedisClient(
            name: name, endpoint: scaling.redis, loop: group.next(),
            onStatus: { _, status in
                if case .lost(let reason) = status { lastProblem.withLock { $0 = reason } }
            })
        client.start()
        let deadline = ContinuousClock.now + timeout
        while !client.isConnected {
            guard ContinuousClock.now < deadline else {
                _ = try? await client.stop().get()
                let reason = lastProblem.withLock { $0 } ?? "no answer within \(timeout)"
                let address = scaling.redis.displayAddress
                // Redis answers a wrong password with WRONGPASS (or NOAUTH when one is needed but not sent).
                let refused = reason.contains("WRONGPASS") || reason.contains("NOAUTH")
                throw OnceFailure(
                    description: refused
                        ? "AUTH refused by Redis at \(address): \(reason)"
                        : "cannot connect to Redis at \(address): \(reason)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        do {
            let result = try await body(client)
            _ = try? await client.stop().get()
            return result
        } catch {
            _ = try? await client.stop().get()
            throw error
        }
    }
}
