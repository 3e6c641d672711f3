/// The console's key bindings as data. Key lookup, the hint bar and the help overlay all read this
/// one table, so the documentation cannot drift from the behaviour (k9s `KeyActions`, lazygit's cheatsheet).
public struct KeyMap: Sendable {
    public let bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// The order scopes appear in the help overlay.
    public static let helpScopeOrder: [KeyScope] =
        [.global] + PaneID.allCases.map { .pane($0) } + ModalKind.allCases.map { .modal($0) }

    /// The action for `key` in the current state: the open dialog's bindings only, else the focused
    /// pane's, then the global ones. Printable keys a text dialog does not bind are typed.
    public func action(for key: Key, in state: ConsoleState) -> Action? {
        if case .mouse(let event) = key {
            switch event.button {
            case .press: return .click(x: event.x, y: event.y)
            case .wheelUp: return .moveUp
            case .wheelDown: return .moveDown
            }
        }
        if let modal = state.modal {
            if let bound = binding(for: key, in: .modal(modal.kind)) { return bound.action }
            if modal.kind.acceptsText, case .character(let character) = key { return .insertText(character) }
            return nil
        }
        return (binding(for: key, in: .pane(state.focus)) ?? binding(for: key, in: .global))?.action
    }

    /// The binding of `key` in exactly `scope`.
    public func binding(for key: Key, in scope: KeyScope) -> KeyBinding? {
        bindings.first { $0.scope == scope && $0.keys.contains(key) }
    }

    /// The hint bar's entries for the current state: the dialog's, or the focused pane's then the global ones.
    public func hints(for state: ConsoleState) -> [(key: String, label: String)] {
        let scopes: [KeyScope] = state.modal.map { [.modal($0.kind)] } ?? [.pane(state.focus), .global]
        return scopes.flatMap { scope in
            bindings.filter { $0.scope == scope && $0.hint != nil }.map {
                ($0.hintKey ?? $0.keys[0].displayName, $0.hint ?? "")
            }
        }
    }

    /// The help overlay's text: one heading per scope, then `keys  description` lines.
    public func helpLines() -> [String] {
        let keyWidth = bindings.map(\.keyLabel.count).max() ?? 0
        var lines: [String] = []
        for scope in Self.helpScopeOrder {
            let scoped = bindings.filter { $0.scope == scope }
            guard !scoped.isEmpty else { continue }
            if !lines.isEmpty { lines.append("") }
            lines.append(scope.title)
            for binding in scoped {
                let label = binding.keyLabel
                lines.append(
                    "  " + label + String(repeating: " ", count: keyWidth - label.count + 2) + binding.description)
            }
        }
        return lines
    }
}
