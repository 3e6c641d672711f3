extension KeyMap {
    /// The console's bindings, following k9s, htop, btop and lazygit conventions.
    public static let standard = KeyMap(bindings: [
        // Global
        KeyBinding([.character("?")], .toggleHelp, "help (this list)", hint: "help"),
        KeyBinding(
            [.character("q"), .control("c")], .requestQuit, "quit (asks first: it stops the server)", hint: "quit"),
        KeyBinding([.tab], .focusNext, "focus the next pane", hint: "focus"),
        KeyBinding([.backTab], .focusPrevious, "focus the previous pane"),
        KeyBinding([.character("1")], .focus(.apps), "focus Apps"),
        KeyBinding([.character("2")], .focus(.channels), "focus Channels"),
        KeyBinding([.character("3")], .focus(.presence), "focus Presence"),
        KeyBinding([.character("4")], .focus(.connections), "focus Connections"),
        KeyBinding([.character("5")], .focus(.stream), "focus Stream"),
        KeyBinding([.up, .character("k")], .moveUp, "move up"),
        KeyBinding([.down, .character("j")], .moveDown, "move down"),
        KeyBinding([.pageUp], .pageUp, "page up"),
        KeyBinding([.pageDown], .pageDown, "page down"),
        KeyBinding([.character("g"), .home], .moveToTop, "first row"),
        KeyBinding([.character("G"), .end], .moveToBottom, "last row (the stream follows again)"),
        KeyBinding([.enter], .openDetail, "details of the selected row", hint: "details"),
        KeyBinding(
            [.character("/")], .beginFilter, "filter the stream (type, channel, event, socket, payload)", hint: "filter"
        ),
        KeyBinding([.escape], .clearFilter, "clear the stream filter"),
        KeyBinding([.character(" ")], .togglePause, "pause / resume the stream", hint: "pause"),
        KeyBinding([.character("i")], .inject, "inject an event (channel from the selection)", hint: "inject"),
        KeyBinding([.control("s")], .export, "export the stream to a JSON Lines file", hint: "export"),
        KeyBinding([.character("t")], .cycleTheme, "next theme", hint: "theme"),
        KeyBinding([.character("M")], .toggleMouse, "mouse on / off (off keeps terminal copy working)"),
        KeyBinding(
            [.character("v")], .toggleMetrics, "metrics view: rates, latency, nodes (again: back to the panes)"),
        // Connections
        KeyBinding(
            [.character("K")], .kick, "kick the selected connection (close code, confirm)", scope: .pane(.connections),
            hint: "kick"),
        // Presence
        KeyBinding(
            [.character("T")], .terminateUser, "terminate every connection of the selected user",
            scope: .pane(.presence), hint: "terminate"),
        // Stream: type toggles
        KeyBinding([.character("K")], .kick, "kick the selected row's connection", scope: .pane(.stream)),
        KeyBinding(
            [.character("c")], .toggleCategory(.connection), "show / hide connections", scope: .pane(.stream),
            hint: "types", hintKey: "csomaerxpuw"),
        KeyBinding(
            [.character("s")], .toggleCategory(.subscription), "show / hide subscriptions", scope: .pane(.stream)),
        KeyBinding(
            [.character("o")], .toggleCategory(.occupancy), "show / hide occupied / vacated", scope: .pane(.stream)),
        KeyBinding(
            [.character("m")], .toggleCategory(.member), "show / hide member added / removed", scope: .pane(.stream)),
        KeyBinding([.character("a")], .toggleCategory(.api), "show / hide API messages", scope: .pane(.stream)),
        KeyBinding([.character("e")], .toggleCategory(.client), "show / hide client events", scope: .pane(.stream)),
        KeyBinding(
            [.character("r")], .toggleCategory(.message), "show / hide raw messages in / out", scope: .pane(.stream)),
        KeyBinding([.character("x")], .toggleCategory(.error), "show / hide errors", scope: .pane(.stream)),
        KeyBinding([.character("p")], .toggleCategory(.ping), "show / hide ping / prune", scope: .pane(.stream)),
        KeyBinding(
            [.character("u")], .toggleCategory(.user), "show / hide sign-ins and watchlist events",
            scope: .pane(.stream)),
        KeyBinding([.character("w")], .toggleCategory(.webhook), "show / hide webhook requests", scope: .pane(.stream)),
        // Help and details
        KeyBinding([.escape, .character("?"), .character("q")], .cancel, "close", scope: .modal(.help), hint: "close"),
        KeyBinding([.up, .character("k")], .moveUp, "scroll up", scope: .modal(.help), hint: "scroll"),
        KeyBinding([.down, .character("j")], .moveDown, "scroll down", scope: .modal(.help)),
        KeyBinding([.pageUp], .pageUp, "page up", scope: .modal(.help)),
        KeyBinding([.pageDown], .pageDown, "page down", scope: .modal(.help)),
        KeyBinding([.escape, .enter, .character("q")], .cancel, "close", scope: .modal(.detail), hint: "close"),
        KeyBinding([.up, .character("k")], .moveUp, "scroll up", scope: .modal(.detail), hint: "scroll"),
        KeyBinding([.down, .character("j")], .moveDown, "scroll down", scope: .modal(.detail)),
        KeyBinding([.pageUp], .pageUp, "page up", scope: .modal(.detail)),
        KeyBinding([.pageDown], .pageDown, "page down", scope: .modal(.detail)),
        // Kick picker
        KeyBinding([.up, .character("k")], .moveUp, "previous close code", scope: .modal(.kickPicker), hint: "choose"),
        KeyBinding([.down, .character("j")], .moveDown, "next close code", scope: .modal(.kickPicker)),
        KeyBinding([.enter], .confirm, "kick with this code (asks first)", scope: .modal(.kickPicker), hint: "kick"),
        KeyBinding([.escape, .character("q")], .cancel, "cancel", scope: .modal(.kickPicker), hint: "cancel"),
        // Confirm
        KeyBinding([.character("y"), .enter], .confirm, "yes", scope: .modal(.confirm), hint: "yes"),
        KeyBinding(
            [.control("c")], .interrupt, "no for a kick or terminate; yes when the question is quit",
            scope: .modal(.confirm)),
        KeyBinding([.character("n"), .escape, .character("q")], .cancel, "no", scope: .modal(.confirm), hint: "no"),
        // Inject form
        KeyBinding([.tab, .down], .nextField, "next field", scope: .modal(.inject), hint: "next field"),
        KeyBinding([.backTab, .up], .previousField, "previous field", scope: .modal(.inject)),
        KeyBinding(
            [.enter], .confirm, "send the event (when the data is valid JSON)", scope: .modal(.inject), hint: "send"),
        KeyBinding([.escape], .cancel, "cancel", scope: .modal(.inject), hint: "cancel"),
        KeyBinding([.backspace], .deleteBackward, "delete before the cursor", scope: .modal(.inject)),
        KeyBinding([.delete], .deleteForward, "delete under the cursor", scope: .modal(.inject)),
        KeyBinding([.left], .cursorLeft, "cursor left", scope: .modal(.inject)),
        KeyBinding([.right], .cursorRight, "cursor right", scope: .modal(.inject)),
        KeyBinding([.home, .control("a")], .cursorHome, "start of the field", scope: .modal(.inject)),
        KeyBinding([.end, .control("e")], .cursorEnd, "end of the field", scope: .modal(.inject)),
        KeyBinding([.control("u")], .clearField, "clear the field", scope: .modal(.inject)),
        // Filter prompt
        KeyBinding([.enter], .confirm, "keep the filter", scope: .modal(.filter), hint: "keep"),
        KeyBinding([.escape], .cancel, "clear the filter", scope: .modal(.filter), hint: "clear"),
        KeyBinding([.backspace], .deleteBackward, "delete before the cursor", scope: .modal(.filter)),
        KeyBinding([.left], .cursorLeft, "cursor left", scope: .modal(.filter)),
        KeyBinding([.right], .cursorRight, "cursor right", scope: .modal(.filter)),
        KeyBinding([.control("u")], .clearField, "clear the text", scope: .modal(.filter)),
    ])
}
