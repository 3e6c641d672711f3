import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The Pusher-protocol server: the one front door of the engine.
///
/// Run it as a `Service` (it serves until graceful shutdown), or `start()`/`stop()` it directly. Observers read
/// `snapshot()` and an `EventRing` from `observe(capacity:)`; the console and the HTTP API share its commands.
public final class ReverbServer: Service, Sendable {
    public let configuration: ServerConfiguration
    let engine: Engine
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    /// The listening sockets, one per event loop (empty until started and after stopping).
    private let listeners = Mutex<[any Channel]>([])
    private let fileLimit = Atomic<Int>(0)
    /// The TLS context new connections use, once started with TLS; SIGHUP reloads it (ReverbServer+TLS.swift).
    let certificateStore = Mutex<CertificateStore?>(nil)
    /// Set when scaling is on.
    private let cluster: Cluster?
    /// Yields when the cluster asks every node to restart.
    private let restart = AsyncStream<Void>.makeStream()

    public init(
        configuration: ServerConfiguration, logger: Logger = ReverbServer.defaultLogger, threads: Int = System.coreCount
    )
        throws(ConfigurationError)
    {
        self.configuration = configuration
        self.engine = try Engine(configuration: configuration, logger: logger)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        self.logger = logger
        if configuration.scaling.enabled {
            do {
                let cluster = try Cluster(
                    engine: engine, configuration: configuration.scaling, loop: group.next(),
                    outboxCapacity: configuration.scaling.queueCapacity)
                engine.attach(cluster)
                self.cluster = cluster
            } catch {
                throw ConfigurationError(
                    source: "scaling", key: "REDIS_URL", value: configuration.scaling.redis.displayAddress,
                    expected: "a Redis endpoint a TLS client can be made for (\(error))")
            }
        } else {
            self.cluster = nil
        }
    }

    /// Raises the open-file limit and binds the port. Returns the bound port (useful with port 0).
    @discardableResult
    public func start() async throws -> Int {
        fileLimit.store(ProcessStatistics.raiseOpenFileLimit(), ordering: .relaxed)
        let certificates = try configuration.tls.map { files in
            do {
                return try CertificateStore(files: files)
            } catch let error as TLSFileError {
                throw error
            } catch {
                throw TLSLoadError(files: files, reason: String(describing: error))
            }
        }
        certificateStore.withLock { $0 = certificates }
        let bound = try await Listener.bind(engine: engine, group: group, certificates: certificates, logger: logger)
        listeners.withLock { $0 = bound }
        engine.webhooks.start(events: engine.events)
        if let cluster {
            let restart = self.restart.continuation
            cluster.start(listeningAddress: listeningAddress, onRestart: { restart.yield() })
            // Give Redis a moment so the banner can say whether it is reachable; never fatal.
            for _ in 0..<40 where !cluster.isConnected { try? await Task.sleep(for: .milliseconds(50)) }
        }
        return bound.first?.localAddress?.port ?? configuration.port
    }

    /// The cluster as this node sees it; nil when scaling is off.
    public var clusterState: ClusterState? { cluster?.clusterState }

    /// The bound port, once started.
    public var port: Int? { listeners.withLock { $0.first?.localAddress?.port } }

    /// `host:port/path` as clients reach it.
    public var listeningAddress: String {
        "\(configuration.host):\(port ?? configuration.port)\(configuration.routePrefix)"
    }

    public var openFileLimit: Int { fileLimit.load(ordering: .relaxed) }

    /// Serves until graceful shutdown (SIGINT/SIGTERM through a `ServiceGroup`), then stops.
    public func run() async throws {
        if listeners.withLock({ $0.isEmpty }) { try await start() }
        let restarts = restart.stream
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await gracefulShutdown() }
            // A cluster-wide restart ends this service as a graceful shutdown would.
            group.addTask { for await _ in restarts { return } }
            await group.next()
            group.cancelAll()
        }
        await stop()
    }

    /// Stops accepting, closes every socket with 4200 so clients reconnect elsewhere, waits briefly for them.
    public func stop() async {
        let bound = listeners.withLock { listeners in
            defer { listeners = [] }
            return listeners
        }
        for listener in bound { try? await listener.close() }
        let handles = engine.closeAllConnections()
        for handle in handles {
            _ = try? await handle.closeFuture.timeout(after: .seconds(2), on: handle.eventLoop).get()
        }
        // The cluster first: leaving may hand this node webhook events still held in Redis to send.
        await cluster?.stop()
        await engine.webhooks.stop()
        try? await group.shutdownGracefully()
    }

    // MARK: Observation

    /// The engine's state now. Without connection rows it stays cheap with tens of thousands of sockets. With
    /// scaling, asking counts as a console watching: `cluster.view` then carries cluster-wide counts.
    public func snapshot(includingConnections: Bool = true) -> EngineSnapshot {
        engine.cluster?.watch()
        return engine.snapshot(
            listeningAddress: listeningAddress, fileLimit: openFileLimit, includingConnections: includingConnections)
    }

    /// Starts recording engine events into a new ring of `capacity` rows. Nothing is recorded without observers.
    public func observe(capacity: Int) -> EventRing {
        let ring = EventRing(capacity: capacity)
        engine.events.add(ring)
        return ring
    }

    public func stopObserving(_ ring: EventRing) { engine.events.remove(ring) }

    // MARK: Commands

    /// Delivers an event through the same path as the HTTP API; returns how many connections received it.
    @discardableResult
    public func publish(_ request: PublishRequest) throws(CommandError) -> Int {
        try engine.publish(request)
    }

    /// Sends `pusher:error` with `code`, then closes the socket with the same code.
    @discardableResult
    public func closeConnection(appID: String, socketID: String, code: Int) -> Bool {
        engine.closeConnection(appID: appID, socketID: socketID, code: code)
    }

    /// Closes every connection of a user (signed in as it, or in a presence channel as it); returns how many.
    @discardableResult
    public func terminateUser(appID: String, userID: String) -> Int {
        engine.terminateUser(appID: appID, userID: userID)
    }
}

extension EventLoopFuture where Value: Sendable {
    /// Fails with `ChannelError.connectTimeout` if the future has not completed after `delay`.
    func timeout(after delay: TimeAmount, on loop: any EventLoop) -> EventLoopFuture<Value> {
        let promise = loop.makePromise(of: Value.self)
        let timer = loop.scheduleTask(in: delay) { promise.fail(ChannelError.connectTimeout(delay)) }
        cascade(to: promise)
        return promise.futureResult.always { _ in timer.cancel() }
    }
}
