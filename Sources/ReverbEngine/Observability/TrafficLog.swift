import Foundation
import ServiceLifecycle

/// The `--debug` observer: prints every engine event as Reverb's two-column lines
/// (`  Connection Established ........ 870132037.115391333`) with the message below where there is one.
public struct TrafficLog: Service {
    private let server: ReverbServer
    private let width: Int
    private let write: @Sendable (String) -> Void
    private let ring: EventRing?

    /// With `ring` (from `server.observe` before `start()`), lines from start-up, such as the first Redis
    /// connection, are printed too.
    public init(
        server: ReverbServer, ring: EventRing? = nil, width: Int = 100, write: @escaping @Sendable (String) -> Void
    ) {
        self.server = server
        self.ring = ring
        self.width = width
        self.write = write
    }

    public func run() async throws {
        let ring = self.ring ?? server.observe(capacity: 10_000)
        defer { server.stopObserving(ring) }
        var dropped = 0
        var sinceQuiet = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let events = ring.drain()
            for event in events { write(Self.lines(for: event, width: width)) }
            // After a burst the ring's copies of thousands of payloads are freed: hand the pages back.
            sinceQuiet += events.count
            if events.isEmpty, sinceQuiet >= 1_000 {
                sinceQuiet = 0
                MemoryTrim.afterLargeFree(force: true)
            }
            let nowDropped = ring.droppedCount
            if nowDropped > dropped {
                write(Self.line("Debug Rows Dropped", "\(nowDropped - dropped)", width: width))
                dropped = nowDropped
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        for event in ring.drain() { write(Self.lines(for: event, width: width)) }
    }

    /// `  Title ....... detail`, dots filling `width`.
    static func line(_ title: String, _ detail: String, width: Int) -> String {
        let dots = max(3, width - 4 - title.count - detail.count)
        return "  \(title) \(String(repeating: ".", count: dots)) \(detail)"
    }

    /// The line (and message dump) Reverb's `--debug` prints for this event.
    public static func lines(for event: EngineEvent, width: Int = 100) -> String {
        // Names and details can come from clients: no control character may reach the terminal.
        var event = event
        event.socketID = event.socketID.map { DebugDump.escapedControls($0) }
        event.channel = event.channel.map { DebugDump.escapedControls($0) }
        event.detail = event.detail.map { DebugDump.escapedControls($0) }
        let socket = event.socketID ?? ""
        var text: String
        switch event.kind {
        case .connectionOpened: text = line("Connection Established", socket, width: width)
        case .connectionClosed: text = line("Connection Closed", socket, width: width)
        case .messageReceived: text = line("Message Received", socket, width: width)
        case .messageSent: text = line("Message Sent", socket, width: width)
        case .subscribed: text = line("Subscribed", "\(socket) \(event.channel ?? "")", width: width)
        case .unsubscribed: text = line("Unsubscribed", "\(socket) \(event.channel ?? "")", width: width)
        case .channelOccupied: text = line("Channel Occupied", event.channel ?? "", width: width)
        case .channelVacated: text = line("Channel Vacated", event.channel ?? "", width: width)
        case .memberAdded: text = line("Member Added", "\(event.channel ?? "") \(event.detail ?? "")", width: width)
        case .memberRemoved: text = line("Member Removed", "\(event.channel ?? "") \(event.detail ?? "")", width: width)
        case .apiMessage, .clientEvent: text = line("Broadcasting To", event.channel ?? "", width: width)
        case .ping: text = line("Connection Pinged", socket, width: width)
        case .prune: text = line("Connection Pruned", socket, width: width)
        case .signin: text = line("User Authentication", "\(socket) \(event.detail ?? "")", width: width)
        case .watchlist: text = line("Watchlist Event", "\(socket) \(event.detail ?? "")", width: width)
        case .webhook:
            let status = event.code.map(String.init) ?? "failed"
            text = line("Webhook \(status)", "\(event.event ?? "") \(event.detail ?? "")", width: width)
        case .error where event.event == TLSHandshakeObserver.eventName:
            text = "  ERROR  TLS handshake failed.\n" + line("TLS Handshake", event.detail ?? "", width: width)
        case .cluster: text = line(event.event ?? "Redis", event.detail ?? "", width: width)
        case .error:
            let headline =
                !socket.isEmpty
                ? "Message from \(socket) resulted in a pusher error."
                : event.code != nil ? "HTTP request resulted in an error." : "Server warning."
            text =
                "  ERROR  \(headline)\n"
                + line("Error \(event.code.map(String.init) ?? "")", event.detail ?? "", width: width)
        }
        if let payload = event.payload {
            text += "\n\n" + DebugDump.lines(payload).joined(separator: "\n") + "\n"
        }
        return text
    }
}
