#if canImport(Glibc)
    import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Stops accepting for a moment when `accept` fails. At the open-file limit every call fails at once and the
/// listening socket stays readable, so without a pause the loop would spin a whole core while new clients time
/// out. Pausing turns `autoRead` off, which takes the listening socket out of the poll set, and turns it back on
/// after `pause`. Logged once per episode; counted in `ProtectionCounters.acceptPauses`.
final class AcceptThrottle: ChannelInboundHandler {
    typealias InboundIn = any Channel

    /// How long accepting pauses after a failed `accept`.
    static let pause = TimeAmount.milliseconds(250)

    private let engine: Engine
    private let logger: Logger
    private var paused = false
    private var lastLogged: NIODeadline?
    /// Whether an accept succeeded since the last logged failure: a new episode needs one and a quiet minute.
    private var recovered = false

    init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        recovered = true
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? IOError else { return context.fireErrorCaught(error) }
        engine.totals.protection.acceptPauses.add(1, ordering: .relaxed)
        if shouldLog(now: .now()) { log(error) }
        guard !paused, let options = context.channel.syncOptions else { return }
        paused = true
        try? options.setOption(.autoRead, value: false)
        let channel = context.channel
        context.eventLoop.assumeIsolated().scheduleTask(in: Self.pause) {
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

    private func log(_ error: IOError) {
        let reason =
            error.errnoCode == EMFILE || error.errnoCode == ENFILE
            ? "the open-file limit is reached" : "accept failed (\(error))"
        let message = "Not accepting new connections: \(reason); retrying every 250 ms"
        engine.events.emit { EngineEvent(kind: .error, appID: "", detail: message) }
        logger.warning("\(message) until sockets close.")
    }
}
