import Foundation
import Logging
import ReverbConsole
import ReverbEngine

/// The console's frame loop (docs/console.md, Code map). It lives on the console thread: each tick it waits up to
/// 100 ms for keys, maps them through the key map and the reducer, performs the effects, reads the
/// latest snapshot and the new stream rows, renders every pane into a grid and flushes it.
/// The engine never waits on it: it only reads snapshots and drains a lossy ring.
final class TerminalLoop {
    private static let tickMilliseconds = 100
    /// How often to ask for a snapshot: each one briefly takes every app's lock, so the console asks four
    /// times a second rather than every tick (a snapshot with connection rows costs in proportion to the sockets).
    private static let snapshotInterval: Duration = .milliseconds(250)
    /// Copying one row per connection is the costly part of a snapshot; past this many connections the rows
    /// are refreshed only every `largeServerRowInterval`, the counts still four times a second.
    private static let largeServerConnections = 2_000
    private static let largeServerRowInterval: Duration = .seconds(2)
    private static let flashLifetime: Duration = .seconds(6)
    /// Without keys or a resize, frames are drawn at most this often: live data changes no faster than the
    /// snapshots, and every frame the console skips is CPU the event loops keep.
    private static let idleFrameInterval: Duration = .milliseconds(250)
    /// Keys handled per tick before drawing, so a paste cannot starve the frame.
    private static let keysPerTick = 64

    private let engine: any ConsoleEngine
    private let events: any ConsoleEventSource
    private let options: ConsoleOptions
    private let logger: Logger
    private let library: ThemeLibrary
    private let keyMap = KeyMap.standard
    private let reducer = ActionReducer(keyMap: .standard)
    private let renderer: ConsoleRenderer
    private let runner: CommandRunner
    private var state = ConsoleState()
    private var rates = RateTracker()
    private var grid = CellGrid(width: 0, height: 0)
    /// Keys read this tick; kept to reuse its storage.
    private var keys: [Key] = []
    private var flashShownAt: ContinuousClock.Instant?
    private var shownFlash: Flash?
    private var startupTheme: Theme
    private var snapshot = EngineSnapshot()
    /// When `snapshot` was taken; nil asks for a fresh one on the next tick (after an engine command).
    private var snapshotTakenAt: ContinuousClock.Instant?
    /// When connection rows were last copied; nil asks for them on the next snapshot.
    private var rowsTakenAt: ContinuousClock.Instant?
    /// When the last frame was drawn, and at what size.
    private var drawnAt: ContinuousClock.Instant?
    private var drawnSize: (width: Int, height: Int) = (0, 0)

    init(engine: any ConsoleEngine, events: any ConsoleEventSource, options: ConsoleOptions, logger: Logger) {
        self.engine = engine
        self.events = events
        self.options = options
        self.logger = logger
        runner = CommandRunner(engine: engine)
        library = ThemeLibrary(
            directories: ThemeLibrary.searchDirectories(
                environment: ProcessInfo.processInfo.environment, configured: options.themeDirectories
            )
        )
        renderer = ConsoleRenderer(keyMap: .standard, utcOffsetSeconds: TimeZone.current.secondsFromGMT())
        let loaded = library.load(options.theme)
        startupTheme = loaded.theme
        state.themeNames = library.availableNames()
        state.themeName = loaded.theme.name
        if !state.themeNames.contains(loaded.theme.name) { state.themeNames.append(loaded.theme.name) }
        if let warning = loaded.warning {
            // Logged before curses starts, so the line survives on the terminal after exit.
            logger.warning("\(warning)")
            state.flash = Flash(warning, kind: .failure)
        }
    }

    /// Runs until the user confirms quit or `stop` is raised; the terminal is restored either way.
    func run(stop: StopSignal) throws {
        let screen = try NcursesScreen(noColor: options.noColor)
        defer { screen.close() }
        screen.apply(startupTheme)
        while !stop.isRaised {
            keys.removeAll(keepingCapacity: true)
            if let key = screen.readKey(timeoutMilliseconds: Self.tickMilliseconds) {
                keys.append(key)
                while keys.count < Self.keysPerTick, let more = screen.readKey(timeoutMilliseconds: 0) {
                    keys.append(more)
                }
            }
            let size = screen.size
            state.terminalWidth = size.width
            state.terminalHeight = size.height
            refreshSnapshot()
            state.ingest(events.drain())
            state.ringDropped = events.droppedCount
            state.link = engine.link
            for key in keys where key != .resize {
                let model = ConsoleModel(
                    snapshot: snapshot, state: state, rates: rates.current, rateHistory: rates.history,
                    metrics: rates.metrics)
                guard let action = keyMap.action(for: key, in: state) else { continue }
                let effect = reducer.reduce(action, state: &state, model: model)
                if !perform(effect, screen: screen) { return }
            }
            expireFlash()
            let now = ContinuousClock.now
            let resized = drawnSize != (size.width, size.height)
            if keys.isEmpty, !resized, let drawnAt, now - drawnAt < Self.idleFrameInterval { continue }
            drawnAt = now
            drawnSize = (size.width, size.height)
            let model = ConsoleModel(
                snapshot: snapshot, state: state, rates: rates.current, rateHistory: rates.history,
                metrics: rates.metrics)
            grid.reset(width: size.width, height: size.height)
            renderer.render(model, state, into: &grid)
            screen.draw(grid)
        }
    }

    /// Performs an effect; false means quit.
    private func perform(_ effect: Effect, screen: NcursesScreen) -> Bool {
        switch effect {
        case .none:
            break
        case .quit:
            return false
        case .run(let command):
            state.flash = runner.run(command)
            snapshotTakenAt = nil
            rowsTakenAt = nil
        case .exportStream:
            let rows = state.stream.visibleRows()
            do {
                let path = try StreamExport.write(
                    rows, toDirectory: FileManager.default.currentDirectoryPath, at: Date()
                )
                state.flash = Flash("exported \(rows.count) rows to \(path)", kind: .success)
            } catch {
                state.flash = Flash("export failed: \(error.localizedDescription)", kind: .failure)
            }
        case .applyTheme(let name):
            let loaded = library.load(name)
            screen.apply(loaded.theme)
            state.flash = loaded.warning.map { Flash($0, kind: .failure) } ?? Flash("theme \(loaded.theme.name)")
        case .setMouse(let enabled):
            screen.setMouse(enabled)
        }
        return true
    }

    /// Takes a new snapshot when the last one is older than `snapshotInterval` or a command made it stale. On a
    /// large server the connection rows come every `largeServerRowInterval`; in between the last rows are kept.
    private func refreshSnapshot() {
        let now = ContinuousClock.now
        if let takenAt = snapshotTakenAt, now - takenAt < Self.snapshotInterval { return }
        let connectionCount = snapshot.apps.reduce(0) { $0 + $1.connectionCount }
        let rowsDue =
            connectionCount < Self.largeServerConnections
            || rowsTakenAt.map { now - $0 >= Self.largeServerRowInterval } ?? true
        var fresh = engine.snapshot(includingConnections: rowsDue)
        if rowsDue {
            rowsTakenAt = now
        } else {
            let previousRows = Dictionary(
                snapshot.apps.map { ($0.id, $0.connections) }, uniquingKeysWith: { first, _ in first })
            for index in fresh.apps.indices { fresh.apps[index].connections = previousRows[fresh.apps[index].id] ?? [] }
        }
        snapshot = fresh
        snapshotTakenAt = now
        rates.observe(snapshot)
    }

    /// Clears the flash line a few seconds after a message appeared.
    private func expireFlash() {
        let now = ContinuousClock.now
        if state.flash != shownFlash {
            shownFlash = state.flash
            flashShownAt = now
        } else if state.flash != nil, let shownAt = flashShownAt, now - shownAt > Self.flashLifetime {
            state.flash = nil
            shownFlash = nil
        }
    }
}

@available(*, unavailable)
extension TerminalLoop: Sendable {}
