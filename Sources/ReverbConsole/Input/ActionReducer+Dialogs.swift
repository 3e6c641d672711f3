extension ActionReducer {
    /// Applies an action to the open dialog: every key goes to it while it is open.
    func reduce(_ action: Action, modal: Modal, state: inout ConsoleState) -> Effect {
        // Overlays fill the screen less the header and footer, so that is one page.
        let page = max(1, state.terminalHeight - 6)
        switch modal {
        case .help(let offset):
            let limit = max(0, keyMap.helpLines().count - 1)
            if let newOffset = scrolled(offset, action: action, limit: limit, page: page) {
                state.modal = .help(offset: newOffset)
            } else if action == .cancel || action == .toggleHelp {
                state.modal = nil
            }
        case .detail(let content, let offset):
            if let newOffset = scrolled(offset, action: action, limit: max(0, content.lines.count - 1), page: page) {
                state.modal = .detail(content, offset: newOffset)
            } else if action == .cancel {
                state.modal = nil
            }
        case .kickPicker(let appID, let socketID, let choice):
            let count = KickCode.choices.count
            switch action {
            case .moveUp:
                state.modal = .kickPicker(appID: appID, socketID: socketID, choice: (choice + count - 1) % count)
            case .moveDown: state.modal = .kickPicker(appID: appID, socketID: socketID, choice: (choice + 1) % count)
            case .confirm:
                let code = KickCode.choices[choice]
                state.modal = .confirm(
                    Confirmation(
                        question: "Kick \(socketID) with \(code.code) (\(code.meaning))?",
                        outcome: .command(.kick(appID: appID, socketID: socketID, code: code.code))
                    ))
            case .cancel: state.modal = nil
            default: break
            }
        case .confirm(let confirmation):
            switch action {
            case .confirm:
                state.modal = nil
                switch confirmation.outcome {
                case .quit: return .quit
                case .command(let command): return .run(command)
                }
            case .interrupt where confirmation.outcome == .quit:
                state.modal = nil
                return .quit
            case .cancel, .interrupt:
                state.modal = nil
                state.flash = Flash("cancelled")
            default: break
            }
        case .inject(var form):
            switch action {
            case .nextField:
                form.focused = InjectForm.Field(rawValue: (form.focused.rawValue + 1) % 4) ?? .app
            case .previousField:
                form.focused = InjectForm.Field(rawValue: (form.focused.rawValue + 3) % 4) ?? .app
            case .confirm:
                if let problem = form.problem {
                    state.flash = Flash("cannot send: \(problem)", kind: .failure)
                } else {
                    state.modal = nil
                    return .run(form.command)
                }
            case .cancel:
                state.modal = nil
                return .none
            default:
                form.edit { edit(action, field: &$0) }
            }
            state.modal = .inject(form)
        case .filter(var field):
            switch action {
            case .confirm:
                state.modal = nil
            case .cancel:
                state.stream.filter.text = ""
                state.modal = nil
            default:
                edit(action, field: &field)
                state.stream.filter.text = field.text
                state.streamCursor = state.isPaused ? 0 : nil
                state.modal = .filter(field)
            }
        }
        return .none
    }

    private func scrolled(_ offset: Int, action: Action, limit: Int, page: Int) -> Int? {
        switch action {
        case .moveUp: return max(0, offset - 1)
        case .moveDown: return min(limit, offset + 1)
        case .pageUp: return max(0, offset - page)
        case .pageDown: return min(limit, offset + page)
        default: return nil
        }
    }

    private func edit(_ action: Action, field: inout TextField) {
        switch action {
        case .insertText(let character): field.insert(character)
        case .deleteBackward: field.deleteBackward()
        case .deleteForward: field.deleteForward()
        case .cursorLeft: field.moveLeft()
        case .cursorRight: field.moveRight()
        case .cursorHome: field.moveToStart()
        case .cursorEnd: field.moveToEnd()
        case .clearField: field.clear()
        default: break
        }
    }
}
