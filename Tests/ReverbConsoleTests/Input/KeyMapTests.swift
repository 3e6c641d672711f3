import Foundation
import ReverbConsole
import Testing

@Suite struct KeyMapTests {
    let keyMap = KeyMap.standard

    @Test func globalKeysWorkInEveryPane() {
        for pane in PaneID.allCases {
            var state = ConsoleState()
            state.focus = pane
            #expect(keyMap.action(for: .character("?"), in: state) == .toggleHelp)
            #expect(keyMap.action(for: .control("c"), in: state) == .requestQuit)
            #expect(keyMap.action(for: .character("3"), in: state) == .focus(.presence))
        }
    }

    @Test func paneKeysApplyOnlyInTheirPane() {
        var state = ConsoleState()
        state.focus = .connections
        #expect(keyMap.action(for: .character("K"), in: state) == .kick)
        #expect(keyMap.action(for: .character("T"), in: state) == nil)
        #expect(keyMap.action(for: .character("x"), in: state) == nil)
        state.focus = .presence
        #expect(keyMap.action(for: .character("T"), in: state) == .terminateUser)
        state.focus = .stream
        #expect(keyMap.action(for: .character("x"), in: state) == .toggleCategory(.error))
        #expect(keyMap.action(for: .character("K"), in: state) == .kick)
    }

    @Test func textDialogsTypePrintableKeys() {
        var state = ConsoleState()
        state.modal = .filter(TextField())
        #expect(keyMap.action(for: .character("q"), in: state) == .insertText("q"))
        #expect(keyMap.action(for: .character("?"), in: state) == .insertText("?"))
        #expect(keyMap.action(for: .escape, in: state) == .cancel)
        state.modal = .confirm(Confirmation(question: "?", outcome: .quit))
        #expect(keyMap.action(for: .character("q"), in: state) == .cancel)
        #expect(keyMap.action(for: .character("z"), in: state) == nil)
    }

    @Test func noKeyIsBoundTwiceInOneScope() {
        var seen: Set<String> = []
        for binding in keyMap.bindings {
            for key in binding.keys {
                let id = "\(binding.scope)|\(key)"
                #expect(!seen.contains(id), "\(key) bound twice in \(binding.scope)")
                seen.insert(id)
            }
        }
    }

    @Test func hintsComeFromTheKeyMap() {
        var state = ConsoleState()
        state.focus = .connections
        let hints = keyMap.hints(for: state).map { "\($0.key) \($0.label)" }
        #expect(
            hints == [
                "K kick", "? help", "q quit", "tab focus", "enter details", "/ filter", "space pause", "i inject",
                "ctrl-s export", "t theme",
            ])
        state.modal = .kickPicker(appID: "1", socketID: "1.1", choice: 0)
        #expect(keyMap.hints(for: state).map(\.label) == ["choose", "kick", "cancel"])
    }

    @Test func helpListsEveryBindingUnderItsScope() {
        let lines = keyMap.helpLines()
        #expect(lines.first == "Global")
        #expect(lines.contains("Connections"))
        #expect(
            lines.contains {
                $0.hasPrefix("  K ") && $0.hasSuffix("kick the selected connection (close code, confirm)")
            })
        #expect(lines.contains { $0.hasPrefix("  q/ctrl-c ") })
        let descriptions = keyMap.bindings.map(\.description)
        for description in descriptions { #expect(lines.contains { $0.hasSuffix(description) }) }
    }
}

@Suite struct HintBarTests {
    @Test func streamHintsGroupTheTypeToggles() {
        var state = ConsoleState()
        state.focus = .stream
        var grid = CellGrid(width: 60, height: 1)
        HintBar(keyMap: .standard).render(state, into: &grid, rect: grid.bounds)
        #expect(grid.lines() == [" csomaerxpuw types  ? help  q quit  tab focus  enter details"])
        #expect(grid.roleCodes(row: 0).prefix(17) == ".KKKKKKKKKKK.dddd")
    }
}

@Suite struct KeyReferenceTests {
    /// docs/console.md and the README carry the key map as tables; every binding must appear in both as a row.
    @Test(arguments: ["docs/console.md", "README.md"])
    func documentationMatchesTheKeyMap(file: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
        for binding in KeyMap.standard.bindings {
            let row = "| `" + binding.keys.map(\.displayName).joined(separator: "` `") + "` | \(binding.description) |"
            #expect(text.contains(row), "missing from \(file): \(row)")
        }
        for scope in KeyMap.helpScopeOrder where KeyMap.standard.bindings.contains(where: { $0.scope == scope }) {
            #expect(text.contains("### \(scope.title)\n"), "no \(scope.title) table in \(file)")
        }
    }
}
