#if canImport(Glibc)
    import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Stops accepting for a moment when the process comes near its open-file limit or `accept` fails. At the limit
/// every `accept` fails at once and the listening socket stays readable, so without a pause the loop would spin a
/// whole core while new clients time out; worse, libdispatch traps when it cannot open a descriptor (see
/// `FileDescriptorBudget`), so the throttle refuses a socket that would leave fewer than the reserve free.
/// Pausing turns `autoRead` off, which takes the listening socket out of the poll set, and turns it back on once
/// there is room again, checked every `pause`. Logged once per episode; counted in
/// `ProtectionCounters.acceptPauses`.
final class AcceptThrottle: ChannelInboundHandler {
    typealias InboundIn = any Channel

    /// How often a pause checks whether there is room to accept again.
    static let pause = TimeAmount.milliseconds(250)

    private let engine: Engine
    private let logger: Logger
    /// Shared by the listeners of every event loop, which together must leave the reserve free.
    private let budget: FileDescriptorBudget
    private var paused = false
    private var lastLogged: NIODeadline?
    /// Whether a socket was admitted since the last logged failure: a new episode needs one and a quiet minute.
    private var recovered = false

    init(engine: Engine, budget: FileDescriptorBudget, logger: Logger) {
        self.engine = engine
        self.budget = budget
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        let admitted = budget.admit(child)
        context.fireChannelRead(data)
        guard !admitted else {
            recovered = true
            return
        }
        // Queued behind the registration the accept handler just queued on the child's loop.
        child.eventLoop.execute { child.close(promise: nil) }
        pause(context, reason: "the open-file limit is reached")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? IOError else { return context.fireErrorCaught(error) }
        budget.invalidate()
        let reason =
            error.errnoCode == EMFILE || error.errnoCode == ENFILE
            ? "the open-file limit is reached" : "accept failed (\(error))"
        pause(context, reason: reason)
    }

    private func pause(_ context: ChannelHandlerContext, reason: String) {
        if shouldLog(now: .now()) { log(reason) }
        guard !paused, let options = context.channel.syncOptions else { return }
        engine.totals.protection.acceptPauses.increment()
        paused = true
        try? options.setOption(.autoRead, value: false)
        resume(context.channel)
    }

    private func resume(_ channel: any Channel) {
        channel.eventLoop.assumeIsolated().scheduleTask(in: Self.pause) {
            guard self.budget.hasRoom(forMore: 1) else { return self.resume(channel) }
            self.paused = false
            try? channel.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    private func shouldLog(now: NIODeadline) -> Bool {
        defer { recovered = false }
        guard let lastLogged else {
            self.lastLogged = now
            return true
        }
        guard recovered, now - lastLogged > .seconds(60) else { return false }
        self.lastLogged = now
        return true
    }

    private func log(_ reason: String) {
        let message = "Not accepting new connections: \(reason); retrying every 250 ms"
        engine.events.emit { EngineEvent(kind: .error, appID: "", detail: message) }
        logger.warning("\(message) until sockets close.")
    }
}
