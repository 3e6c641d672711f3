import Foundation
import ReverbEngine

/// The console's update function: state × action → effect. Pure apart from mutating the state it is
/// given, so every key's behaviour is testable without a terminal or an engine.
public struct ActionReducer: Sendable {
    public let keyMap: KeyMap

    public init(keyMap: KeyMap = .standard) {
        self.keyMap = keyMap
    }

    /// Applies one action. `model` is the frame the user is looking at; selections resolve against it.
    public func reduce(_ action: Action, state: inout ConsoleState, model: ConsoleModel) -> Effect {
        if let modal = state.modal {
            return reduce(action, modal: modal, state: &state)
        }
        let layout = ScreenLayout(width: state.terminalWidth, height: state.terminalHeight, focus: state.focus)
        let page = max(1, layout.visibleRows(of: state.focus))
        switch action {
        case .toggleHelp:
            state.modal = .help(offset: 0)
        case .requestQuit, .interrupt:
            let question =
                state.link.map { "Detach from \($0.server)? The server keeps running." }
                ?? "Quit reverb-tui and stop the server?"
            state.modal = .confirm(Confirmation(question: question, outcome: .quit))
        case .focusNext:
            state.focus = state.focus.next
        case .focusPrevious:
            state.focus = state.focus.previous
        case .focus(let pane):
            state.focus = pane
        case .moveUp:
            move(by: -1, state: &state, model: model)
        case .moveDown:
            move(by: 1, state: &state, model: model)
        case .pageUp:
            move(by: -page, state: &state, model: model)
        case .pageDown:
            move(by: page, state: &state, model: model)
        case .moveToTop:
            move(to: { _, _ in 0 }, state: &state, model: model)
        case .moveToBottom:
            if state.focus == .stream {
                state.resume()
            } else {
                move(to: { _, count in count - 1 }, state: &state, model: model)
            }
        case .beginFilter:
            state.modal = .filter(TextField(state.stream.filter.text))
        case .clearFilter:
            if !state.stream.filter.text.isEmpty {
                state.stream.filter.text = ""
                state.flash = Flash("filter cleared")
            }
        case .toggleCategory(let category):
            if state.stream.filter.hiddenCategories.remove(category) == nil {
                state.stream.filter.hiddenCategories.insert(category)
                state.flash = Flash("hiding \(category.rawValue) rows")
            } else {
                state.flash = Flash("showing \(category.rawValue) rows")
            }
        case .togglePause:
            if state.isPaused {
                state.resume()
            } else {
                state.streamCursor = state.streamCursor ?? max(0, state.stream.visibleCount - 1)
                state.pause()
            }
        case .openDetail:
            openDetail(state: &state, model: model)
        case .kick:
            kick(state: &state, model: model)
        case .terminateUser:
            terminateUser(state: &state, model: model)
        case .inject:
            inject(state: &state, model: model)
        case .export:
            return .exportStream
        case .toggleMetrics:
            state.showsMetrics.toggle()
        case .cycleTheme:
            guard !state.themeNames.isEmpty else { return .none }
            let index = state.themeNames.firstIndex(of: state.themeName) ?? -1
            state.themeName = state.themeNames[(index + 1) % state.themeNames.count]
            return .applyTheme(state.themeName)
        case .toggleMouse:
            state.isMouseEnabled.toggle()
            state.flash = Flash(state.isMouseEnabled ? "mouse on (hold shift to select text)" : "mouse off")
            return .setMouse(state.isMouseEnabled)
        case .click(let x, let y):
            click(x: x, y: y, layout: layout, state: &state, model: model)
        case .confirm, .cancel, .nextField, .previousField, .insertText, .deleteBackward, .deleteForward,
            .cursorLeft, .cursorRight, .cursorHome, .cursorEnd, .clearField:
            break
        }
        return .none
    }

    private func move(by delta: Int, state: inout ConsoleState, model: ConsoleModel) {
        move(to: { current, _ in current + delta }, state: &state, model: model)
    }

    /// Moves the focused pane's cursor to `target(current row, row count)`, clamped. Moving up in the
    /// stream pauses it, so the rows under the cursor stop moving.
    private func move(to target: (Int, Int) -> Int, state: inout ConsoleState, model: ConsoleModel) {
        let count = model.rowCount(of: state.focus, state: state)
        guard count > 0 else { return }
        let current = currentRow(state: state, model: model)
        let row = ConsoleModel.clamp(target(current, count), count: count)
        if state.focus == .stream {
            if row < current, !state.isPaused { state.pause() }
            state.streamCursor = row
        } else {
            state.cursors[state.focus] = row
        }
    }

    /// The focused pane's cursor, clamped; a following stream is on its newest row.
    private func currentRow(state: ConsoleState, model: ConsoleModel) -> Int {
        let count = model.rowCount(of: state.focus, state: state)
        if state.focus == .stream { return ConsoleModel.clamp(state.streamCursor ?? (count - 1), count: count) }
        return ConsoleModel.clamp(state.cursor(state.focus), count: count)
    }

    private func click(x: Int, y: Int, layout: ScreenLayout, state: inout ConsoleState, model: ConsoleModel) {
        guard let pane = layout.pane(atX: x, y: y) else { return }
        state.focus = pane
        let rect = layout.rect(of: pane)
        let count = model.rowCount(of: pane, state: state)
        let selected = pane == .stream ? state.streamCursor : state.cursor(pane)
        let top = Viewport.top(selected: selected, rowCount: count, visibleRows: layout.visibleRows(of: pane))
        let row = top + (y - rect.y - 2)
        guard y - rect.y >= 2, row < count else { return }
        if pane == .stream {
            if !state.isPaused { state.pause() }
            state.streamCursor = row
        } else {
            state.cursors[pane] = row
        }
    }

    private func selectedStreamRow(state: ConsoleState) -> EngineEvent? {
        let count = state.stream.visibleCount
        guard count > 0 else { return nil }
        return state.stream.visibleRow(ConsoleModel.clamp(state.streamCursor ?? (count - 1), count: count))
    }

    private func openDetail(state: inout ConsoleState, model: ConsoleModel) {
        let now = model.snapshot.takenAt
        let content: DetailContent?
        switch state.focus {
        case .stream: content = selectedStreamRow(state: state).map(DetailContent.event)
        case .connections: content = model.selectedConnection.map { .connection($0, now: now) }
        case .channels: content = model.selectedChannel.map { .channel($0, now: now) }
        case .presence:
            content = model.selectedMember.map { .member($0, channel: model.presenceChannel?.channel.name ?? "") }
        case .apps:
            content = model.selectedApp.map { app in
                DetailContent(
                    title: "app \(app.id)",
                    lines: [
                        "app       \(app.id)", "key       \(app.key)", "conns     \(app.connections.count)",
                        "channels  \(app.channels.count)", "messages  \(app.messagesIn) in, \(app.messagesOut) out",
                    ])
            }
        }
        if let content {
            state.modal = .detail(content, offset: 0)
        } else {
            state.flash = Flash("nothing selected", kind: .failure)
        }
    }

    private func kick(state: inout ConsoleState, model: ConsoleModel) {
        let target: (appID: String, socketID: String)?
        if state.focus == .stream {
            target = selectedStreamRow(state: state).flatMap { row in row.socketID.map { (row.appID, $0) } }
        } else {
            target = model.selectedConnection.map { ($0.appID, $0.socketID) }
        }
        guard let target else {
            state.flash = Flash("select a connection to kick", kind: .failure)
            return
        }
        state.modal = .kickPicker(appID: target.appID, socketID: target.socketID, choice: 0)
    }

    private func terminateUser(state: inout ConsoleState, model: ConsoleModel) {
        guard let member = model.selectedMember, let channel = model.presenceChannel else {
            state.flash = Flash("select a presence member to terminate", kind: .failure)
            return
        }
        let count = member.connections
        state.modal = .confirm(
            Confirmation(
                question: "Close all connections of user \(member.userID) (\(count) on \(channel.channel.name))?",
                outcome: .command(.terminateUser(appID: channel.appID, userID: member.userID))
            ))
    }

    private func inject(state: inout ConsoleState, model: ConsoleModel) {
        var channel: ScopedChannel? = model.selectedChannel
        var streamChannel: (appID: String, name: String)?
        switch state.focus {
        case .presence: channel = model.presenceChannel ?? channel
        case .stream:
            streamChannel = selectedStreamRow(state: state).flatMap { row in row.channel.map { (row.appID, $0) } }
        default: break
        }
        let appID = streamChannel?.appID ?? channel?.appID ?? model.selectedApp?.id ?? model.apps.first?.id ?? ""
        let name = streamChannel?.name ?? channel?.channel.name ?? ""
        state.modal = .inject(InjectForm(appID: appID, channel: name))
    }
}
