import Foundation
import ReverbEngine
/// The always-visible meters (htop style): address, TLS, app key, uptime, memory, nodes on the first
/// line; connections, channels, presence users, message and API rates, dropped rows and a rate
/// sparkline on the second. One line on small terminals.
public struct HeaderBar: Pane {
    public init() {}

    public func render(_ model: ConsoleModel, _ state: ConsoleState, into grid: inout CellGrid, rect: Rect) {
        guard !rect.isEmpty else { return }
        let snapshot = model.snapshot
        let traffic: [Meter] = [
            Meter("conns", String(model.connectionCount)),
            Meter("channels", String(model.channels.count)),
            Meter("presence", String(model.presenceUserCount)),
            Meter("in", DisplayFormat.rate(model.rates.messagesIn) + "/s"),
            Meter("out", DisplayFormat.rate(model.rates.messagesOut) + "/s"),
            Meter("api", DisplayFormat.rate(model.rates.apiRequests) + "/s"),
            Meter("dropped", String(state.droppedRows), role: state.droppedRows > 0 ? .warn : .meterValue),
        ]
        if rect.height == 1 {
            var meters = traffic
            if let link = state.link, !link.isLive { meters.insert(Meter("", link.status, role: .warn), at: 0) }
            Self.drawMeters(meters, into: &grid, x: rect.x, y: rect.y, width: rect.width)
            return
        }
        let scheme = snapshot.tlsEnabled ? "wss://" : "ws://"
        var server: [Meter] = [
            Meter("", "reverb-tui", role: .title),
            Meter("", snapshot.listeningAddress.isEmpty ? "starting" : scheme + snapshot.listeningAddress),
            Meter("tls", snapshot.tlsEnabled ? "on" : "off", role: snapshot.tlsEnabled ? .ok : .meterValue),
            Meter("key", Self.appKey(model)),
            Meter("up", DisplayFormat.uptime(snapshot.takenAt.timeIntervalSince(snapshot.startedAt))),
            Meter("mem", snapshot.residentMemoryBytes > 0 ? DisplayFormat.bytes(snapshot.residentMemoryBytes) : "-"),
        ]
        if let cluster = snapshot.cluster {
            server.append(
                Meter(
                    "scaling", "\(cluster.redisAddress) \(cluster.redisStatus)",
                    role: cluster.redisConnected ? .ok : .warn))
        }
        if let link = state.link {
            // Attached: the server as the user named it and the state of the link, before the server's own facts.
            server.insert(Meter("attached", link.server), at: 1)
            server.insert(Meter("", link.status, role: link.isLive ? .ok : .warn), at: 2)
            if link.serverDropped + link.localDropped > 0 {
                server.append(Meter("lost", "server \(link.serverDropped) local \(link.localDropped)", role: .warn))
            }
        }
        if snapshot.nodes.count > 1 { server.append(Meter("nodes", String(snapshot.nodes.count))) }
        Self.drawMeters(server, into: &grid, x: rect.x, y: rect.y, width: rect.width)
        let used = Self.drawMeters(traffic, into: &grid, x: rect.x, y: rect.y + 1, width: rect.width)
        let sparkWidth = min(model.rateHistory.count, rect.width - used - 3, 30)
        if sparkWidth > 0 {
            Sparkline(values: model.rateHistory.suffix(sparkWidth))
                .draw(into: &grid, x: rect.x + rect.width - sparkWidth - 1, y: rect.y + 1)
        }
    }

    /// The key clients must use: the selected app's, the only app's, or how many apps there are.
    static func appKey(_ model: ConsoleModel) -> String {
        if let app = model.selectedApp ?? (model.apps.count == 1 ? model.apps.first : nil) { return app.key }
        return "\(model.apps.count) apps"
    }

    /// Writes meters left to right, two spaces apart, stopping before one that does not fit; returns the width used.
    @discardableResult
    static func drawMeters(_ meters: [Meter], into grid: inout CellGrid, x: Int, y: Int, width: Int) -> Int {
        var column = 1
        for meter in meters {
            let needed = meter.width
            guard column + needed <= width else { break }
            if !meter.label.isEmpty {
                column += grid.write(meter.label + " ", x: x + column, y: y, role: .meterLabel)
            }
            column += grid.write(meter.value, x: x + column, y: y, role: meter.role)
            column += 2
        }
        return column
    }
}

/// One label and value in the header.
struct Meter {
    var label: String
    var value: String
    var role: Role

    init(_ label: String, _ value: String, role: Role = .meterValue) {
        self.label = label
        self.value = value
        self.role = role
    }

    var width: Int { (label.isEmpty ? 0 : label.count + 1) + value.count }
}
