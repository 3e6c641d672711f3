import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One Redis connection that stays up: it logs in (AUTH with or without a user name), selects the database,
/// subscribes when it is a subscriber, and after any loss reconnects with a capped backoff and subscribes
/// again. Commands sent while it is down fail at once with `RedisError.notConnected`: callers decide
/// whether to queue (see `ClusterOutbox`).
package final class RedisClient: Sendable {
    /// What happened to the connection, for `--debug` lines.
    package enum Status: Sendable, Hashable {
        case connected
        case lost(String)
        case reconnecting(attempt: Int)
    }

    package let name: String
    let endpoint: RedisEndpoint
    let loop: any EventLoop
    private let subscriptions: [String]
    /// Commands run on every new connection before it counts as connected (`SCRIPT LOAD`).
    private let setup: [[String]]
    private let onPush: (@Sendable (_ channel: String, _ payload: ByteBuffer) -> Void)?
    private let onStatus: @Sendable (RedisClient, Status) -> Void
    private let state = Mutex(State())
    private let sslContext: NIOSSLContext?

    private struct State {
        var channel: (any Channel)?
        var stopped = false
        var attempt = 0
        var everConnected = false
    }

    static let firstRetryDelay = TimeAmount.milliseconds(100)
    static let maximumRetryDelay = TimeAmount.seconds(1)

    /// A command connection, or with `subscriptions` and `onPush` a subscriber. `onStatus` runs on `loop`
    /// after every change; on `.connected` the connection is ready for commands.
    package init(
        name: String, endpoint: RedisEndpoint, loop: any EventLoop, subscriptions: [String] = [],
        setup: [[String]] = [], onPush: (@Sendable (_ channel: String, _ payload: ByteBuffer) -> Void)? = nil,
        onStatus: @escaping @Sendable (RedisClient, Status) -> Void = { _, _ in }
    ) throws {
        self.name = name
        self.endpoint = endpoint
        self.loop = loop
        self.subscriptions = subscriptions
        self.setup = setup
        self.onPush = onPush
        self.onStatus = onStatus
        if endpoint.tls {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile = endpoint.caFile {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            }
            self.sslContext = try NIOSSLContext(configuration: tls)
        } else {
            self.sslContext = nil
        }
    }

    /// True while a logged-in connection is up.
    package var isConnected: Bool { state.withLock { $0.channel != nil } }

    /// Starts connecting (and keeps reconnecting) in the background.
    package func start() {
        loop.execute { self.connect() }
    }

    /// Closes the connection for good: no reconnect.
    package func stop() -> EventLoopFuture<Void> {
        let channel = state.withLock { state in
            state.stopped = true
            defer { state.channel = nil }
            return state.channel
        }
        guard let channel else { return loop.makeSucceededVoidFuture() }
        return channel.close().recover { _ in }
    }

    /// Sends one command; replies come back in order however many are in flight.
    package func send(_ arguments: [String]) -> EventLoopFuture<RESPValue> {
        guard let channel = state.withLock({ $0.channel }) else {
            return loop.makeFailedFuture(RedisError.notConnected)
        }
        let promise = loop.makePromise(of: RESPValue.self)
        write(RedisRequest(arguments: arguments, promise: promise), on: channel)
        return promise.futureResult
    }

    /// Sends without waiting for the reply (heartbeats): the reply is read and dropped.
    package func sendAndForget(_ arguments: [String]) {
        guard let channel = state.withLock({ $0.channel }) else { return }
        write(RedisRequest(arguments: arguments, promise: nil), on: channel)
    }

    /// Always through the loop's task queue, even on the loop itself: a write made inline would overtake
    /// writes other threads queued just before, and callers rely on the order of their sends (one app's share
    /// changes, the outbox).
    private func write(_ request: RedisRequest, on channel: any Channel) {
        channel.eventLoop.execute {
            channel.writeAndFlush(request).whenFailure { _ in request.promise?.fail(RedisError.connectionClosed) }
        }
    }

    // MARK: Connecting

    private func connect() {
        guard !state.withLock({ $0.stopped }) else { return }
        let (endpoint, sslContext, onPush) = (self.endpoint, self.sslContext, self.onPush)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(Int64(endpoint.timeout)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let hostname = endpoint.host.first?.isNumber == true || endpoint.host.contains(":")
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: hostname ? nil : endpoint.host))
                    }
                    try channel.pipeline.syncOperations.addHandler(RedisChannelHandler(onPush: onPush))
                }
            }
        bootstrap.connect(host: endpoint.host, port: endpoint.port)
            .flatMap { channel in
                self.handshake(channel).map { _ in channel }.flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }
            }
            .whenComplete { result in
                switch result {
                case .success(let channel): self.connected(channel)
                case .failure(let error): self.retry(after: "\(error)")
                }
            }
    }

    /// AUTH, SELECT, the setup commands and SUBSCRIBE, pipelined; any error reply fails the attempt.
    private func handshake(_ channel: any Channel) -> EventLoopFuture<Void> {
        var commands: [[String]] = []
        if let password = endpoint.password {
            commands.append(endpoint.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if endpoint.database != 0 { commands.append(["SELECT", String(endpoint.database)]) }
        commands += setup
        for name in subscriptions { commands.append(["SUBSCRIBE", name]) }
        if commands.isEmpty { commands.append(["PING"]) }
        let replies = commands.map { command in
            let promise = channel.eventLoop.makePromise(of: RESPValue.self)
            channel.write(RedisRequest(arguments: command, promise: promise), promise: nil)
            return promise.futureResult
        }
        channel.flush()
        return EventLoopFuture.andAllSucceed(replies, on: channel.eventLoop)
    }

    private func connected(_ channel: any Channel) {
        let stopped = state.withLock { state in
            if !state.stopped {
                state.channel = channel
                state.attempt = 0
                state.everConnected = true
            }
            return state.stopped
        }
        if stopped { return channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in self.disconnected(channel) }
        onStatus(self, .connected)
    }

    private func disconnected(_ channel: any Channel) {
        let wasCurrent = state.withLock { state in
            guard state.channel === channel else { return false }
            state.channel = nil
            return !state.stopped
        }
        guard wasCurrent else { return }
        retry(after: "connection closed")
    }

    private func retry(after reason: String) {
        let attempt = state.withLock { state in
            state.attempt += 1
            return state.stopped ? nil : state.attempt
        }
        guard let attempt else { return }
        if attempt == 1 { onStatus(self, .lost(reason)) }
        let delay = min(
            Self.firstRetryDelay.nanoseconds << min(attempt - 1, 10), Self.maximumRetryDelay.nanoseconds)
        loop.scheduleTask(in: .nanoseconds(delay)) {
            self.onStatus(self, .reconnecting(attempt: attempt))
            self.connect()
        }
    }
}
