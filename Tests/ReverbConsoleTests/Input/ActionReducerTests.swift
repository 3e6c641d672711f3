import ReverbConsole
import ReverbEngine
import Testing

/// Key → action → effect, through the standard key map, against the fixture snapshot.
@Suite struct ActionReducerTests {
    let keyMap = KeyMap.standard
    let reducer = ActionReducer()

    /// Presses keys in order and returns the last effect.
    @discardableResult
    func press(_ keys: [Key], _ state: inout ConsoleState) -> Effect {
        var effect = Effect.none
        for key in keys {
            guard let action = keyMap.action(for: key, in: state) else { continue }
            effect = reducer.reduce(action, state: &state, model: Fixtures.model(state))
        }
        return effect
    }

    func type(_ text: String) -> [Key] { text.map { .character($0) } }

    @Test func focusKeys() {
        var state = Fixtures.state(width: 120, height: 40)
        press([.tab], &state)
        #expect(state.focus == .stream)
        press([.tab], &state)
        #expect(state.focus == .apps)
        press([.backTab, .backTab], &state)
        #expect(state.focus == .connections)
        press([.character("2")], &state)
        #expect(state.focus == .channels)
    }

    @Test func quitAsksFirst() {
        var state = Fixtures.state(width: 120, height: 40)
        #expect(press([.character("q")], &state) == .none)
        #expect(state.modal?.kind == .confirm)
        #expect(press([.character("n")], &state) == .none)
        #expect(state.modal == nil)
        #expect(press([.control("c"), .control("c")], &state) == .quit)
    }

    @Test func kickPicksACodeThenConfirms() {
        var state = Fixtures.state(width: 120, height: 40)
        press([.character("j")], &state)
        #expect(Fixtures.model(state).selectedConnection?.socketID == "112233445.556677889")
        press([.character("K")], &state)
        #expect(state.modal == .kickPicker(appID: "123456", socketID: "112233445.556677889", choice: 0))
        press([.down], &state)
        press([.enter], &state)
        guard case .confirm(let confirmation) = state.modal else {
            Issue.record("expected a confirmation")
            return
        }
        #expect(confirmation.question == "Kick 112233445.556677889 with 4009 (unauthorized: no reconnect)?")
        #expect(
            press([.character("y")], &state)
                == .run(.kick(appID: "123456", socketID: "112233445.556677889", code: 4009)))
        #expect(state.modal == nil)
    }

    @Test("ctrl-c in a kick or terminate confirmation cancels: a reflexive abort must not kick")
    func controlCCancelsDestructiveConfirmations() {
        var state = Fixtures.state(width: 120, height: 40)
        press([.character("j"), .character("K"), .enter], &state)
        #expect(state.modal?.kind == .confirm)
        #expect(press([.control("c")], &state) == .none)
        #expect(state.modal == nil)
        #expect(state.flash == Flash("cancelled"))

        state = Fixtures.state(width: 120, height: 40, focus: .presence)
        press([.character("j"), .character("T")], &state)
        #expect(state.modal?.kind == .confirm)
        #expect(press([.control("c")], &state) == .none)
        #expect(state.modal == nil)
    }

    @Test func kickWithNothingSelectedExplains() {
        var state = ConsoleState()
        state.focus = .connections
        let empty = ConsoleModel(snapshot: EngineSnapshot(), state: state)
        let effect = reducer.reduce(.kick, state: &state, model: empty)
        #expect(effect == .none)
        #expect(state.modal == nil)
        #expect(state.flash == Flash("select a connection to kick", kind: .failure))
    }

    @Test func terminateSelectedPresenceUser() {
        var state = Fixtures.state(width: 120, height: 40, focus: .presence)
        press([.character("j"), .character("T")], &state)
        guard case .confirm(let confirmation) = state.modal else {
            Issue.record("expected a confirmation")
            return
        }
        #expect(confirmation.question == "Close all connections of user 42 (2 on presence-room)?")
        #expect(press([.enter], &state) == .run(.terminateUser(appID: "123456", userID: "42")))
    }

    @Test func injectPrefillsTheSelectedChannelAndValidatesData() {
        var state = Fixtures.state(width: 120, height: 40, focus: .channels)
        press([.character("j"), .character("i")], &state)
        guard case .inject(let form) = state.modal else {
            Issue.record("expected the inject form")
            return
        }
        #expect(form[.app] == "123456")
        #expect(form[.channel] == "presence-room")
        #expect(form.focused == .event)
        press([.control("u")] + type("greet") + [.tab, .control("u")] + type("{\"a\":"), &state)
        #expect(press([.enter], &state) == .none)
        #expect(state.flash?.kind == .failure)
        #expect(state.modal?.kind == .inject)
        let effect = press(type("1}") + [.enter], &state)
        #expect(effect == .run(.publish(appID: "123456", channel: "presence-room", event: "greet", data: #"{"a":1}"#)))
        #expect(state.modal == nil)
    }

    @Test func injectFromTheStreamUsesTheRowsChannel() {
        var state = Fixtures.state(width: 120, height: 40, focus: .stream)
        press([.character("k"), .character("k"), .character("k"), .character("i")], &state)
        guard case .inject(let form) = state.modal else {
            Issue.record("expected the inject form")
            return
        }
        #expect(form[.channel] == "chat")
        #expect(press([.escape], &state) == .none)
        #expect(state.modal == nil)
    }

    @Test func scrollingUpPausesAndCountsNewRows() {
        var state = Fixtures.state(width: 120, height: 40, focus: .stream)
        #expect(state.streamCursor == nil)
        press([.up], &state)
        #expect(state.isPaused)
        #expect(state.streamCursor == 6)
        state.ingest([EngineEvent(kind: .ping, appID: "123456"), EngineEvent(kind: .ping, appID: "123456")])
        #expect(state.pending.count == 2)
        #expect(state.stream.visibleCount == 8)
        #expect(StreamPane.status(state) == "PAUSED (+2 new)")
        press([.character("G")], &state)
        #expect(!state.isPaused)
        #expect(state.streamCursor == nil)
        #expect(state.stream.visibleCount == 10)
    }

    @Test func spaceTogglesPause() {
        var state = Fixtures.state(width: 120, height: 40)
        press([.character(" ")], &state)
        #expect(state.isPaused)
        #expect(state.streamCursor == 7)
        press([.character(" ")], &state)
        #expect(!state.isPaused)
        #expect(state.streamCursor == nil)
    }

    @Test func filterIsLiveAndEscapeClearsIt() {
        var state = Fixtures.state(width: 120, height: 40)
        press([.character("/")] + type("presence"), &state)
        #expect(state.stream.filter.text == "presence")
        #expect(state.stream.visibleCount == 2)
        press([.enter], &state)
        #expect(state.modal == nil)
        #expect(state.stream.visibleCount == 2)
        press([.escape], &state)
        #expect(state.stream.filter.text.isEmpty)
        #expect(state.stream.visibleCount == 8)
    }

    @Test func typeTogglesHideCategories() {
        var state = Fixtures.state(width: 120, height: 40, focus: .stream)
        press([.character("p"), .character("x")], &state)
        #expect(state.stream.filter.hiddenCategories == [.ping, .error])
        #expect(state.stream.visibleCount == 6)
        #expect(StreamPane.status(state) == "hidden error,ping")
        press([.character("p")], &state)
        #expect(state.stream.visibleCount == 7)
        #expect(state.flash == Flash("showing ping rows"))
    }

    @Test func detailOfAStreamRowPrettyPrintsItsPayload() {
        var state = Fixtures.state(width: 120, height: 40, focus: .stream)
        press([.character("g"), .character("j"), .character("j"), .character("j"), .character("j"), .enter], &state)
        guard case .detail(let content, offset: 0) = state.modal else {
            Issue.record("expected the detail view")
            return
        }
        #expect(content.title == "api_message message")
        #expect(content.lines.contains("    \"channel\": \"chat\","))
        #expect(content.lines.suffix(4) == ["data (decoded)", "  {", "    \"text\": \"hi\"", "  }"])
        press([.character("j")], &state)
        #expect(state.modal == .detail(content, offset: 1))
        press([.escape], &state)
        #expect(state.modal == nil)
    }

    @Test func exportThemeAndMouseAreEffects() {
        var state = Fixtures.state(width: 120, height: 40)
        state.themeNames = ["default", "light", "tty"]
        #expect(press([.control("s")], &state) == .exportStream)
        #expect(press([.character("t")], &state) == .applyTheme("light"))
        #expect(press([.character("t"), .character("t")], &state) == .applyTheme("default"))
        #expect(press([.character("M")], &state) == .setMouse(true))
        #expect(press([.character("M")], &state) == .setMouse(false))
    }

    @Test func selectingAnAppScopesThePanes() {
        var state = Fixtures.state(width: 120, height: 40, focus: .apps)
        #expect(Fixtures.model(state).connections.count == 3)
        press([.down], &state)
        #expect(Fixtures.model(state).selectedApp?.id == "123456")
        #expect(Fixtures.model(state).connections.count == 2)
        press([.down], &state)
        #expect(Fixtures.model(state).selectedApp?.id == "777001")
        #expect(Fixtures.model(state).channels.isEmpty)
        #expect(Fixtures.model(state).presenceChannel == nil)
    }

    @Test func mouseClickFocusesAndSelects() {
        var state = Fixtures.state(width: 120, height: 40)
        press([.mouse(MouseEvent(button: .press, x: 30, y: 5))], &state)
        #expect(state.focus == .channels)
        #expect(state.cursor(.channels) == 1)
        press([.mouse(MouseEvent(button: .wheelDown, x: 30, y: 5))], &state)
        #expect(state.cursor(.channels) == 2)
    }

    @Test func helpOpensScrollsAndCloses() {
        var state = Fixtures.state(width: 120, height: 40)
        press([.character("?")], &state)
        #expect(state.modal == .help(offset: 0))
        press([.character("j"), .character("j"), .character("k")], &state)
        #expect(state.modal == .help(offset: 1))
        press([.character("?")], &state)
        #expect(state.modal == nil)
    }
}
