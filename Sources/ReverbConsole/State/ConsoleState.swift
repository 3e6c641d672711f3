import DequeModule
import ReverbEngine

/// Everything the console remembers between frames that is not engine data: focus, cursors, the
/// stream copy and its filter, pause, the open dialog, the flash line, theme and mouse choices.
public struct ConsoleState: Sendable {
    public var focus: PaneID = .connections
    /// Cursor per pane, an index into that pane's rows (the apps pane's row 0 is "all apps").
    public var cursors: [PaneID: Int] = [:]
    /// The stream cursor; nil follows the newest row.
    public var streamCursor: Int?
    public var stream: StreamBuffer
    public private(set) var isPaused = false
    /// Rows that arrived while paused, appended on resume.
    public private(set) var pending: Deque<EngineEvent> = []
    /// Rows lost before the console could show them: the event ring's drops plus pending overflow.
    public var ringDropped = 0
    public private(set) var pendingDropped = 0
    public var modal: Modal?
    public var flash: Flash?
    public var themeName: String
    public var themeNames: [String]
    public var isMouseEnabled = false
    public var terminalWidth = 0
    public var terminalHeight = 0
    /// The metrics view (rates, latency, nodes) in place of the five panes.
    public var showsMetrics = false
    /// The link to the server when the console is attached over the network; nil in process.
    public var link: ConsoleLink?

    public init(
        streamCapacity: Int = 5000, themeName: String = Theme.default.name, themeNames: [String] = [Theme.default.name]
    ) {
        stream = StreamBuffer(capacity: streamCapacity)
        self.themeName = themeName
        self.themeNames = themeNames
    }

    /// Stream rows lost in total, for the header's "dropped" meter.
    public var droppedRows: Int { ringDropped + pendingDropped }

    /// The cursor of a pane (0 when never moved).
    public func cursor(_ pane: PaneID) -> Int { cursors[pane] ?? 0 }

    /// Takes new events from the engine: into the stream, or held back while paused.
    public mutating func ingest(_ events: [EngineEvent]) {
        guard !events.isEmpty else { return }
        if isPaused {
            for event in events {
                if pending.count == stream.capacity {
                    pending.removeFirst()
                    pendingDropped += 1
                }
                pending.append(event)
            }
        } else {
            stream.append(contentsOf: events)
        }
    }

    /// Freezes the stream view; new rows wait in `pending`.
    public mutating func pause() {
        isPaused = true
    }

    /// Releases held rows and follows the newest row again.
    public mutating func resume() {
        isPaused = false
        stream.append(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
        streamCursor = nil
    }
}
