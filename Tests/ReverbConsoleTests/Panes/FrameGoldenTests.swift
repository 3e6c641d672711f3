import ReverbConsole
import Testing

/// Whole frames rendered from the fixture snapshot and compared with expected text (ratatui style).
/// Times are UTC; the snapshot is 2027-01-15T08:00:00Z.
@Suite struct FrameGoldenTests {
    /// Keys pressed on the fixture state before rendering.
    func frame(width: Int, height: Int, focus: PaneID, keys: [Key] = []) -> CellGrid {
        var state = Fixtures.state(width: width, height: height, focus: focus)
        let reducer = ActionReducer()
        for key in keys {
            guard let action = KeyMap.standard.action(for: key, in: state) else { continue }
            _ = reducer.reduce(action, state: &state, model: Fixtures.model(state))
        }
        return Fixtures.frame(state)
    }

    @Test func fullFrameAt120x40() {
        let grid = frame(width: 120, height: 40, focus: .connections)
        expectLines(
            grid,
            [
                #" reverb-tui  ws://127.0.0.1:8080  tls off  key 2 apps  up 01:02:03  mem 23.4 MB"#,
                #" conns 3  channels 3  presence 2  in 13/s  out 30/s  api 2.0/s  dropped 0                                       ▁▂▃▅█▅▃"#,
                #"┌ 1 Apps ────────────────┐┌ 2 Channels ────────────────────────────────────────────┐┌ 3 Presence ────── presence-room ─┐"#,
                #"│App          Conns Chans││Channel          Kind     Subs Users  Since Last event  ││User      Info               Conns│"#,
                #"│all              3     3││chat             public      1     -  5m00s message     ││1         {"name":"Ann"}         1│"#,
                #"│123456           2     3││presence-room    presence    2     2  4m50s -           ││42        {"name":"Bob","ro…     2│"#,
                #"│777001           1     0││private-encrypt… encrypt…    1     -  1h06m -           ││                                  │"#,
                #"│                        ││                                                        ││                                  │"#,
                #"│                        ││                                                        ││                                  │"#,
                #"│                        ││                                                        ││                                  │"#,
                #"│                        ││                                                        ││                                  │"#,
                #"└────────────────────────┘└────────────────────────────────────────────────────────┘└──────────────────────────────────┘"#,
                #"┌ 4 Connections ─────────────────────────────────────────────────────────────────────────────────────────────────── 3 ─┐"#,
                #"│Socket                User            App    Origin            Channels                        Since  Seen    In   Out│"#,
                #"│870132037.115391333   alice           123456 http://localhost… chat,presence-room              5m00s    5s    12    40│"#,
                #"│112233445.556677889   -               123456 -                 presence-room                   2m00s    2s     3     7│"#,
                #"│999000111.222333444   -               777001 -                 -                                 30s   30s     0     0│"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"└──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘"#,
                #"┌ 5 Stream ────────────────────────────────────────────────────────────────────────────────────────────────────────────┐"#,
                #"│Type           Socket              Channel              Event                Details                      Time        │"#,
                #"│connection     870132037.115391333                                           origin http://localhost:3000 07:55:00.000│"#,
                #"│subscribed     870132037.115391333 chat                 pusher:subscribe                                  07:55:01.000│"#,
                #"│occupied                           chat                                                                   07:55:01.000│"#,
                #"│member_added   870132037.115391333 presence-room                             user 1                       07:55:10.000│"#,
                #"│api_message                        chat                 message              delivered to 1               07:59:50.000│"#,
                #"│client_event   112233445.556677889 presence-room        client-typing        {"event":"client-typing","c… 07:59:56.000│"#,
                #"│error          999000111.222333444                                           4009 Connection is unauthor… 07:59:57.000│"#,
                #"│ping           112233445.556677889                                                                        07:59:59.000│"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"└──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘"#,
                #""#,
                #" K kick  ? help  q quit  tab focus  enter details  / filter  space pause  i inject  ctrl-s export  t theme"#,
            ])
        // Focused selection bar, unfocused selections, stream rows coloured by type, hint keys.
        #expect(grid.roleCodes(row: 14) == "B" + String(repeating: "S", count: 118) + "B")
        #expect(grid.roleCodes(row: 4).dropFirst().prefix(24).allSatisfy { $0 == "s" })
        #expect(grid.roleCodes(row: 23).dropFirst().prefix(12) == "1111111111..")
        #expect(grid.roleCodes(row: 27).dropFirst().prefix(12) == "55555555555.")
        #expect(grid.roleCodes(row: 29).dropFirst().prefix(5) == "88888")
        #expect(grid.roleCodes(row: 39).prefix(8) == ".K.dddd.")
    }

    @Test func fullFrameAt80x24() {
        expectLines(
            frame(width: 80, height: 24, focus: .connections),
            [
                #" reverb-tui  ws://127.0.0.1:8080  tls off  key 2 apps  up 01:02:03  mem 23.4 MB"#,
                #" conns 3  channels 3  presence 2  in 13/s  out 30/s  api 2.0/s  dropped 0    █▅"#,
                #"┌ 1 Apps ────────┐┌ 2 Channels ────────────────────────┐┌ 3 Presence ── prese…─┐"#,
                #"│App        Conns││Channel          Kind     Subs Users││User   Info      Conns│"#,
                #"│all            3││chat             public      1     -││1      {"name":…     1│"#,
                #"│123456         2││presence-room    presence    2     2││42     {"name":…     2│"#,
                #"│777001         1││private-encrypt… encrypt…    1     -││                      │"#,
                #"└────────────────┘└────────────────────────────────────┘└──────────────────────┘"#,
                #"┌ 4 Connections ─────────────────────────────────────────────────────────── 3 ─┐"#,
                #"│Socket        User    App    Origin    Channels        Since  Seen    In   Out│"#,
                #"│870132037.11… alice   123456 http://l… chat,presence…  5m00s    5s    12    40│"#,
                #"│112233445.55… -       123456 -         presence-room   2m00s    2s     3     7│"#,
                #"└──────────────────────────────────────────────────────────────────────────────┘"#,
                #"┌ 5 Stream ────────────────────────────────────────────────────────────────────┐"#,
                #"│Type           Socket              Channel    Event      Details  Time        │"#,
                #"│occupied                           chat                           07:55:01.000│"#,
                #"│member_added   870132037.115391333 presence-…            user 1   07:55:10.000│"#,
                #"│api_message                        chat       message    deliver… 07:59:50.000│"#,
                #"│client_event   112233445.556677889 presence-… client-ty… {"event… 07:59:56.000│"#,
                #"│error          999000111.222333444                       4009 Co… 07:59:57.000│"#,
                #"│ping           112233445.556677889                                07:59:59.000│"#,
                #"└──────────────────────────────────────────────────────────────────────────────┘"#,
                #""#,
                #" K kick  ? help  q quit  tab focus  enter details  / filter  space pause"#,
            ])
    }

    @Test func focusedPaneOnlyAt40x10() {
        expectLines(
            frame(width: 40, height: 10, focus: .connections),
            [
                #" conns 3  channels 3  presence 2"#,
                #"┌ 4 Connections ─────────────────── 3 ─┐"#,
                #"│Socket        App    Channels    Since│"#,
                #"│870132037.11… 123456 chat,pres…  5m00s│"#,
                #"│112233445.55… 123456 presence-…  2m00s│"#,
                #"│999000111.22… 777001 -             30s│"#,
                #"│                                      │"#,
                #"└──────────────────────────────────────┘"#,
                #""#,
                #" K kick  ? help  q quit  tab focus"#,
            ])
    }

    @Test func nothingAt0x0() {
        let grid = frame(width: 0, height: 0, focus: .connections)
        #expect(grid.lines().isEmpty)
        expectLines(frame(width: 0, height: 0, focus: .stream, keys: [.character("?"), .character("j")]), [])
    }

    @Test func tinyTerminalSaysSo() {
        expectLines(
            frame(width: 15, height: 4, focus: .apps),
            [
                #"terminal too s…"#,
                #""#,
                #""#,
                #""#,
            ])
    }

    @Test(arguments: [1, 2, 3, 7, 19, 21, 33, 59, 61, 79])
    func everySizeRendersInsideTheGrid(width: Int) {
        for height in [1, 2, 4, 5, 8, 15, 16, 19, 20] {
            for focus in PaneID.allCases {
                let grid = frame(width: width, height: height, focus: focus, keys: [.character("?")])
                #expect(grid.lines().count == height)
                #expect(grid.lines().allSatisfy { $0.count <= width })
            }
        }
    }
}

/// Dialogs and overlays drawn over the panes.
@Suite struct OverlayGoldenTests {
    func frame(width: Int, height: Int, focus: PaneID, keys: [Key]) -> CellGrid {
        FrameGoldenTests().frame(width: width, height: height, focus: focus, keys: keys)
    }

    @Test func helpIsGeneratedFromTheKeyMap() {
        expectLines(
            frame(width: 80, height: 24, focus: .connections, keys: [.character("?")]),
            [
                #" reverb-tui  ws://127.0.0.1:8080  tls off  key 2 apps  up 01:02:03  mem 23.4 MB"#,
                #" conns 3  channels 3  presence 2  in 13/s  out 30/s  api 2.0/s  dropped 0    █▅"#,
                #"┌ Keys ────────────────────────────────────────────────────────────── 1-18/91 ─┐"#,
                #"│ Global                                                                       │"#,
                #"│   ?            help (this list)                                              │"#,
                #"│   q/ctrl-c     quit (asks first: it stops the server)                        │"#,
                #"│   tab          focus the next pane                                           │"#,
                #"│   shift-tab    focus the previous pane                                       │"#,
                #"│   1            focus Apps                                                    │"#,
                #"│   2            focus Channels                                                │"#,
                #"│   3            focus Presence                                                │"#,
                #"│   4            focus Connections                                             │"#,
                #"│   5            focus Stream                                                  │"#,
                #"│   ↑/k          move up                                                       │"#,
                #"│   ↓/j          move down                                                     │"#,
                #"│   PgUp         page up                                                       │"#,
                #"│   PgDn         page down                                                     │"#,
                #"│   g/home       first row                                                     │"#,
                #"│   G/end        last row (the stream follows again)                           │"#,
                #"│   enter        details of the selected row                                   │"#,
                #"│   /            filter the stream (type, channel, event, socket, payload)     │"#,
                #"└──────────────────────────────────────────────────────────────────────────────┘"#,
                #""#,
                #" esc close  ↑ scroll"#,
            ])
    }

    @Test func injectFormValidatesAsYouType() {
        let keys: [Key] = [.character("j"), .character("i"), .tab, .control("u")] + #"{"a":"#.map { .character($0) }
        let grid = frame(width: 120, height: 40, focus: .channels, keys: keys)
        expectLines(
            grid,
            [
                #" reverb-tui  ws://127.0.0.1:8080  tls off  key 2 apps  up 01:02:03  mem 23.4 MB"#,
                #" conns 3  channels 3  presence 2  in 13/s  out 30/s  api 2.0/s  dropped 0                                       ▁▂▃▅█▅▃"#,
                #"┌ 1 Apps ────────────────┐┌ 2 Channels ────────────────────────────────────────────┐┌ 3 Presence ────── presence-room ─┐"#,
                #"│App          Conns Chans││Channel          Kind     Subs Users  Since Last event  ││User      Info               Conns│"#,
                #"│all              3     3││chat             public      1     -  5m00s message     ││1         {"name":"Ann"}         1│"#,
                #"│123456           2     3││presence-room    presence    2     2  4m50s -           ││42        {"name":"Bob","ro…     2│"#,
                #"│777001           1     0││private-encrypt… encrypt…    1     -  1h06m -           ││                                  │"#,
                #"│                        ││                                                        ││                                  │"#,
                #"│                        ││                                                        ││                                  │"#,
                #"│                        ││                                                        ││                                  │"#,
                #"│                        ││                                                        ││                                  │"#,
                #"└────────────────────────┘└────────────────────────────────────────────────────────┘└──────────────────────────────────┘"#,
                #"┌ 4 Connections ─────────────────────────────────────────────────────────────────────────────────────────────────── 3 ─┐"#,
                #"│Socket                User            App    Origin            Channels                        Since  Seen    In   Out│"#,
                #"│870132037.115391333   alice           123456 http://localhost… chat,presence-room              5m00s    5s    12    40│"#,
                #"│112233445.556677889   -               123456 -                 presence-room                   2m00s    2s     3     7│"#,
                #"│999000111.222333444   -┌ Inject event ────────────────────────────────────────────────────────┐  30s   30s     0     0│"#,
                #"│                       │ App     123456                                                       │                       │"#,
                #"│                       │ Channel presence-room                                                │                       │"#,
                #"│                       │ Event   test-event                                                   │                       │"#,
                #"└───────────────────────│ Data    {"a":                                                        │───────────────────────┘"#,
                #"┌ 5 Stream ─────────────│         ✗ unexpected end of input at 6                               │───────────────────────┐"#,
                #"│Type           Socket  └──────────────────────────────────────────────────────────────────────┘           Time        │"#,
                #"│connection     870132037.115391333                                           origin http://localhost:3000 07:55:00.000│"#,
                #"│subscribed     870132037.115391333 chat                 pusher:subscribe                                  07:55:01.000│"#,
                #"│occupied                           chat                                                                   07:55:01.000│"#,
                #"│member_added   870132037.115391333 presence-room                             user 1                       07:55:10.000│"#,
                #"│api_message                        chat                 message              delivered to 1               07:59:50.000│"#,
                #"│client_event   112233445.556677889 presence-room        client-typing        {"event":"client-typing","c… 07:59:56.000│"#,
                #"│error          999000111.222333444                                           4009 Connection is unauthor… 07:59:57.000│"#,
                #"│ping           112233445.556677889                                                                        07:59:59.000│"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
                #"└──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘"#,
                #""#,
                #" tab next field  enter send  esc cancel"#,
            ])
        let verdict = grid.lines()[21]
        let column = verdict.distance(from: verdict.startIndex, to: verdict.firstIndex(of: "✗") ?? verdict.endIndex)
        #expect(grid.roleCodes(row: 21).dropFirst(column).prefix(31) == String(repeating: "E", count: 30) + "D")
    }

    @Test func injectFormAt40x10() {
        expectLines(
            frame(width: 40, height: 10, focus: .channels, keys: [.character("i")]),
            [
                #" conns 3  channels 3  presence 2"#,
                #"┌ Inject event ────────────────────────┐"#,
                #"│ App     123456                       │"#,
                #"│ Channel chat                         │"#,
                #"│ Event   test-event                   │"#,
                #"│ Data    {}                           │"#,
                #"│         ✓ valid JSON                 │"#,
                #"└──────────────────────────────────────┘"#,
                #""#,
                #" tab next field  enter send  esc cancel"#,
            ])
    }

    @Test func kickPicker() {
        expectLines(
            frame(width: 80, height: 24, focus: .connections, keys: [.character("K"), .down]),
            [
                #" reverb-tui  ws://127.0.0.1:8080  tls off  key 2 apps  up 01:02:03  mem 23.4 MB"#,
                #" conns 3  channels 3  presence 2  in 13/s  out 30/s  api 2.0/s  dropped 0    █▅"#,
                #"┌ 1 Apps ────────┐┌ 2 Channels ────────────────────────┐┌ 3 Presence ── prese…─┐"#,
                #"│App        Conns││Channel          Kind     Subs Users││User   Info      Conns│"#,
                #"│all            3││chat             public      1     -││1      {"name":…     1│"#,
                #"│123456         2││presence-room    presence    2     2││42     {"name":…     2│"#,
                #"│777001         1││private-encrypt… encrypt…    1     -││                      │"#,
                #"└────────────────┘└────────────────────────────────────┘└──────────────────────┘"#,
                #"┌ 4 Connections ─────────────────────────────────────────────────────────── 3 ─┐"#,
                #"│Socket        Us┌ Kick 870132037.115391333 ──────────────────┐Seen    In   Out│"#,
                #"│870132037.11… al│  4200  generic reconnect                   │  5s    12    40│"#,
                #"│112233445.55… - │> 4009  unauthorized: no reconnect          │  2s     3     7│"#,
                #"└────────────────│  4201  pong reply not received             │────────────────┘"#,
                #"┌ 5 Stream ──────└────────────────────────────────────────────┘────────────────┐"#,
                #"│Type           Socket              Channel    Event      Details  Time        │"#,
                #"│occupied                           chat                           07:55:01.000│"#,
                #"│member_added   870132037.115391333 presence-…            user 1   07:55:10.000│"#,
                #"│api_message                        chat       message    deliver… 07:59:50.000│"#,
                #"│client_event   112233445.556677889 presence-… client-ty… {"event… 07:59:56.000│"#,
                #"│error          999000111.222333444                       4009 Co… 07:59:57.000│"#,
                #"│ping           112233445.556677889                                07:59:59.000│"#,
                #"└──────────────────────────────────────────────────────────────────────────────┘"#,
                #""#,
                #" ↑ choose  enter kick  esc cancel"#,
            ])
    }

    @Test func quitConfirm() {
        expectLines(
            frame(width: 80, height: 24, focus: .connections, keys: [.character("q")]),
            [
                #" reverb-tui  ws://127.0.0.1:8080  tls off  key 2 apps  up 01:02:03  mem 23.4 MB"#,
                #" conns 3  channels 3  presence 2  in 13/s  out 30/s  api 2.0/s  dropped 0    █▅"#,
                #"┌ 1 Apps ────────┐┌ 2 Channels ────────────────────────┐┌ 3 Presence ── prese…─┐"#,
                #"│App        Conns││Channel          Kind     Subs Users││User   Info      Conns│"#,
                #"│all            3││chat             public      1     -││1      {"name":…     1│"#,
                #"│123456         2││presence-room    presence    2     2││42     {"name":…     2│"#,
                #"│777001         1││private-encrypt… encrypt…    1     -││                      │"#,
                #"└────────────────┘└────────────────────────────────────┘└──────────────────────┘"#,
                #"┌ 4 Connections ─────────────────────────────────────────────────────────── 3 ─┐"#,
                #"│Socket        User    App    Origin    Channels        Since  Seen    In   Out│"#,
                #"│870132037.11…┌ Confirm ─────────────────────────────────────────┐s    12    40│"#,
                #"│112233445.55…│ Quit reverb-tui and stop the server?             │s     3     7│"#,
                #"└─────────────│                                     y yes   n no │─────────────┘"#,
                #"┌ 5 Stream ───└──────────────────────────────────────────────────┘─────────────┐"#,
                #"│Type           Socket              Channel    Event      Details  Time        │"#,
                #"│occupied                           chat                           07:55:01.000│"#,
                #"│member_added   870132037.115391333 presence-…            user 1   07:55:10.000│"#,
                #"│api_message                        chat       message    deliver… 07:59:50.000│"#,
                #"│client_event   112233445.556677889 presence-… client-ty… {"event… 07:59:56.000│"#,
                #"│error          999000111.222333444                       4009 Co… 07:59:57.000│"#,
                #"│ping           112233445.556677889                                07:59:59.000│"#,
                #"└──────────────────────────────────────────────────────────────────────────────┘"#,
                #""#,
                #" y yes  n no"#,
            ])
    }

    @Test func detailPrettyPrintsJSON() {
        let keys: [Key] = [.character("g"), .character("j"), .character("j"), .character("j"), .character("j"), .enter]
        expectLines(
            frame(width: 80, height: 24, focus: .stream, keys: keys),
            [
                #" reverb-tui  ws://127.0.0.1:8080  tls off  key 2 apps  up 01:02:03  mem 23.4 MB"#,
                #" conns 3  channels 3  presence 2  in 13/s  out 30/s  api 2.0/s  dropped 0    █▅"#,
                #"┌ api_message message ─────────────────────────────────────────────────────────┐"#,
                #"│ type      api_message                                                        │"#,
                #"│ time      2027-01-15T07:59:50.000Z                                           │"#,
                #"│ app       123456                                                             │"#,
                #"│ channel   chat                                                               │"#,
                #"│ event     message                                                            │"#,
                #"│ details   delivered to 1                                                     │"#,
                #"│                                                                              │"#,
                #"│ payload                                                                      │"#,
                #"│   {                                                                          │"#,
                #"│     "event": "message",                                                      │"#,
                #"│     "channel": "chat",                                                       │"#,
                #"│     "data": "{\"text\":\"hi\"}"                                              │"#,
                #"│   }                                                                          │"#,
                #"│                                                                              │"#,
                #"│ data (decoded)                                                               │"#,
                #"│   {                                                                          │"#,
                #"│     "text": "hi"                                                             │"#,
                #"│   }                                                                          │"#,
                #"└──────────────────────────────────────────────────────────────────────────────┘"#,
                #""#,
                #" esc close  ↑ scroll"#,
            ])
    }

    @Test func filterPromptAndPausedStream() {
        let grid = frame(
            width: 80, height: 24, focus: .stream, keys: [.up, .character("/"), .character("p"), .character("r")])
        expectLines(
            grid,
            [
                #" reverb-tui  ws://127.0.0.1:8080  tls off  key 2 apps  up 01:02:03  mem 23.4 MB"#,
                #" conns 3  channels 3  presence 2  in 13/s  out 30/s  api 2.0/s  dropped 0    █▅"#,
                #"┌ 1 Apps ────────┐┌ 2 Channels ────────────────────────┐┌ 3 Presence ── prese…─┐"#,
                #"│App        Conns││Channel          Kind     Subs Users││User   Info      Conns│"#,
                #"│all            3││chat             public      1     -││1      {"name":…     1│"#,
                #"│123456         2││presence-room    presence    2     2││42     {"name":…     2│"#,
                #"│777001         1││private-encrypt… encrypt…    1     -││                      │"#,
                #"└────────────────┘└────────────────────────────────────┘└──────────────────────┘"#,
                #"┌ 4 Connections ─────────────────────────────────────────────────────────── 3 ─┐"#,
                #"│Socket        User    App    Origin    Channels        Since  Seen    In   Out│"#,
                #"│870132037.11… alice   123456 http://l… chat,presence…  5m00s    5s    12    40│"#,
                #"│112233445.55… -       123456 -         presence-room   2m00s    2s     3     7│"#,
                #"└──────────────────────────────────────────────────────────────────────────────┘"#,
                #"┌ 5 Stream ──────────────────────────────────── filter "pr" · PAUSED (+0 new) ─┐"#,
                #"│Type           Socket              Channel    Event      Details  Time        │"#,
                #"│member_added   870132037.115391333 presence-…            user 1   07:55:10.000│"#,
                #"│client_event   112233445.556677889 presence-… client-ty… {"event… 07:59:56.000│"#,
                #"│                                                                              │"#,
                #"│                                                                              │"#,
                #"│                                                                              │"#,
                #"│                                                                              │"#,
                #"└──────────────────────────────────────────────────────────────────────────────┘"#,
                #" /pr"#,
                #" enter keep  esc clear"#,
            ])
        #expect(grid.roleCodes(row: 22).prefix(5) == ".KIIS")
    }
}
