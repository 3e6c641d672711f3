import ReverbConsole
import ReverbEngine
import Testing

/// The connections pane with signed-in users, and the stream with sign-ins, watchlist events and webhook
/// deliveries (URL, status, attempt, latency), each group hidden by its own key.
@Suite struct UserFeaturesGoldenTests {
    func frame(keys: [Key]) -> CellGrid {
        var state = Fixtures.state(width: 120, height: 40, focus: .stream)
        state.ingest(Fixtures.userFeatureEvents)
        let reducer = ActionReducer()
        for key in keys {
            guard let action = KeyMap.standard.action(for: key, in: state) else { continue }
            _ = reducer.reduce(action, state: &state, model: Fixtures.model(state))
        }
        return Fixtures.frame(state)
    }

    @Test func signedInUsersInTheConnectionsPane() {
        #expect(
            Array(frame(keys: []).lines()[12...16]) == [
                #"┌ 4 Connections ─────────────────────────────────────────────────────────────────────────────────────────────────── 3 ─┐"#,
                #"│Socket                User            App    Origin            Channels                        Since  Seen    In   Out│"#,
                #"│870132037.115391333   alice           123456 http://localhost… chat,presence-room              5m00s    5s    12    40│"#,
                #"│112233445.556677889   -               123456 -                 presence-room                   2m00s    2s     3     7│"#,
                #"│999000111.222333444   -               777001 -                 -                                 30s   30s     0     0│"#,
            ])
    }

    @Test func signinWatchlistAndWebhookRows() {
        let grid = frame(keys: [])
        #expect(
            Array(grid.lines()[29...36]) == [
                #"│error          999000111.222333444                                           4009 Connection is unauthor… 07:59:57.000│"#,
                #"│ping           112233445.556677889                                                                        07:59:59.000│"#,
                #"│signin         870132037.115391333                      pusher:signin        signed in as alice, watchin… 07:59:59.100│"#,
                #"│watchlist      870132037.115391333                      pusher_internal:wat… online bob to 1 socket(s)    07:59:59.200│"#,
                #"│webhook                            chat                 http://127.0.0.1:90… 500 attempt 1, 12 ms, 2 eve… 07:59:59.500│"#,
                #"│webhook                            chat                 http://127.0.0.1:90… 200 attempt 2, 3 ms, 2 even… 07:59:59.800│"#,
                #"│                                                                                                                      │"#,
                #"│                                                                                                                      │"#,
            ])
        // Sign-ins and watchlist rows share the member colour, webhooks the API colour.
        #expect(grid.roleCodes(row: 31).dropFirst().prefix(6) == "444444")
        #expect(grid.roleCodes(row: 32).dropFirst().prefix(9) == "444444444")
        #expect(grid.roleCodes(row: 33).dropFirst().prefix(7) == "5555555")
    }

    @Test func webhookAndUserRowsHideWithTheirKeys() {
        let hidden = frame(keys: [.character("w"), .character("u")])
        let lines = hidden.lines()
        #expect(lines[21].contains("hidden user,webhook"))
        #expect(
            !lines.contains { $0.hasPrefix("│webhook ") || $0.hasPrefix("│signin ") || $0.hasPrefix("│watchlist ") })
        #expect(lines.contains { $0.hasPrefix("│ping ") })
        let onlyWebhooks = frame(keys: [.character("/")] + "webhook".map { Key.character($0) } + [.enter])
        #expect(onlyWebhooks.lines().filter { $0.hasPrefix("│webhook ") }.count == 2)
        #expect(onlyWebhooks.lines().filter { $0.hasPrefix("│signin ") }.isEmpty)
    }
}
