import Foundation
import NIOCore
import NIOWebSocket

/// Sends one attached console its frames from a task off the event loops: a scoped snapshot four times a
/// second and the new events ten times a second, as JSON text. When the socket stops draining it skips
/// snapshots and leaves events in the lossy ring, which drops (and counts) the oldest, never slowing delivery.
struct ConsoleStreamPump: Sendable {
    static let ringCapacity = 10_000
    static let tick: Duration = .milliseconds(100)
    static let snapshotInterval: Duration = .milliseconds(250)
    /// Past this many connections, rows go out every `largeServerRowInterval` and the counts four times a second,
    /// as the in-process console does.
    static let largeServerConnections = 2_000
    static let largeServerRowInterval: Duration = .seconds(2)
    /// Events per frame, so one frame stays a few hundred kilobytes at most.
    static let eventsPerFrame = 500

    let engine: Engine
    let app: Application
    let ring: EventRing
    let channel: any Channel

    func run() async {
        let encoder = ConsoleStreamCoding.encoder()
        let address = listeningAddress
        send(ConsoleStreamFrame(type: .hello, appID: app.id), encoder: encoder)
        var snapshotAt: ContinuousClock.Instant?
        var rowsAt: ContinuousClock.Instant?
        var connections = 0
        // The rows last sent: unchanged rows (quiet sockets) are not sent again; the console keeps the last ones.
        var sentRows: [ConnectionSnapshot]?
        while !Task.isCancelled, channel.isActive {
            let now = ContinuousClock.now
            if channel.isWritable {
                if snapshotAt.map({ now - $0 >= Self.snapshotInterval }) ?? true {
                    snapshotAt = now
                    let rowsDue =
                        connections < Self.largeServerConnections
                        || rowsAt.map { now - $0 >= Self.largeServerRowInterval } ?? true
                    if rowsDue { rowsAt = now }
                    engine.cluster?.watch()
                    var snapshot = engine.snapshot(
                        listeningAddress: address, fileLimit: 0, includingConnections: rowsDue)
                    snapshot.apps.removeAll { $0.id != app.id }
                    snapshot.cluster?.view?.keep(appID: app.id)
                    connections = snapshot.apps.reduce(0) { $0 + $1.connectionCount }
                    var includesRows = rowsDue
                    if rowsDue {
                        let rows = snapshot.apps.flatMap(\.connections)
                        if rows == sentRows {
                            includesRows = false
                            for index in snapshot.apps.indices { snapshot.apps[index].connections = [] }
                        } else {
                            sentRows = rows
                        }
                    }
                    send(
                        ConsoleStreamFrame(
                            type: .snapshot, snapshot: snapshot, includesConnections: includesRows,
                            dropped: ring.droppedCount),
                        encoder: encoder)
                }
                var events = ring.drain()
                events.removeAll { $0.appID != app.id }
                var start = 0
                while start < events.count {
                    let end = min(events.count, start + Self.eventsPerFrame)
                    send(
                        ConsoleStreamFrame(
                            type: .events, events: Array(events[start..<end]), dropped: ring.droppedCount),
                        encoder: encoder)
                    start = end
                }
            }
            try? await Task.sleep(for: Self.tick)
        }
    }

    /// `host:port/path` as the server's banner shows it.
    private var listeningAddress: String {
        let configuration = engine.configuration
        let port = channel.localAddress?.port ?? configuration.port
        return "\(configuration.host):\(port)\(configuration.routePrefix)"
    }

    private func send(_ frame: ConsoleStreamFrame, encoder: JSONEncoder) {
        guard let buffer = ConsoleStreamFrameWriter.write(frame, encoder: encoder, allocator: channel.allocator)
        else { return }
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: buffer), promise: nil)
    }
}
