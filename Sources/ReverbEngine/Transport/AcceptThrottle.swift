#if canImport(Glibc)
    import Glibc
#endif
import Logging
import NIOCore
import Synchronization
import NIOPosix

/// Stops accepting for a moment when `accept` fails (at the open-file limit every call fails at once, and the
/// listening socket stays readable, so without a pause the loop would spin a whole core while new clients time
/// out). Logged once per episode; counted in `ProtectionCounters.acceptPauses`.
enum AcceptThrottle {
    /// How long accepting pauses after a failed `accept`.
    static let pause = TimeAmount.milliseconds(250)

    /// The server channel's handlers: NIO's backoff, then a watcher that ends the episode on the next accept.
    static func handlers(engine: Engine, logger: Logger) -> [any ChannelHandler] {
        let episode = Episode()
        let backoff = AcceptBackoffHandler(shouldForwardIOErrorCaught: false) { error in
            engine.totals.protection.acceptPauses.add(1, ordering: .relaxed)
            if episode.shouldLog(now: .now()) {
                let reason =
                    error.errnoCode == EMFILE || error.errnoCode == ENFILE
                    ? "the open-file limit is reached" : "accept failed (\(error))"
                engine.events.emit {
                    EngineEvent(
                        kind: .error, appID: "",
                        detail: "Not accepting new connections: \(reason); retrying every 250 ms")
                }
                logger.warning("Not accepting new connections: \(reason); retrying every 250 ms until sockets close.")
            }
            return pause
        }
        return [backoff, Watcher(episode: episode)]
    }

    /// When the failure was last logged, and whether accepting worked since; touched only on the server
    /// channel's event loop. Logged once per episode, and a new episode needs a success and a quiet minute.
    final class Episode {
        var lastLogged: NIODeadline?
        var recovered = false

        func shouldLog(now: NIODeadline) -> Bool {
            defer { recovered = false }
            guard let lastLogged else {
                self.lastLogged = now
                return true
            }
            guard recovered, now - lastLogged > .seconds(60) else { return false }
            self.lastLogged = now
            return true
        }
    }

    /// Sees each accepted connection: accepting works again.
    final class Watcher: ChannelInboundHandler {
        typealias InboundIn = any Channel
        let episode: Episode

        init(episode: Episode) { self.episode = episode }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            episode.recovered = true
            context.fireChannelRead(data)
        }
    }
}
