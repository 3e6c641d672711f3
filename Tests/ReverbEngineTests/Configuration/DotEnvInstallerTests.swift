import Testing
@testable import ReverbEngine

@Suite("install")
struct DotEnvInstallerTests {
    let values = DotEnvInstaller.Values(
        appID: "123456", appKey: "abcdefghij0123456789", appSecret: "zyxwvutsrq9876543210")

    @Test("Laravel 11's .env: the variables are appended, BROADCAST_CONNECTION rewritten, and a second run is a no-op")
    func laravel11() {
        let text = "APP_NAME=Laravel\nBROADCAST_CONNECTION=log\nQUEUE_CONNECTION=database\n"
        let (updated, changes) = DotEnvInstaller.install(into: text, values: values)
        #expect(
            updated == """
                APP_NAME=Laravel
                BROADCAST_CONNECTION=reverb
                QUEUE_CONNECTION=database

                REVERB_APP_ID=123456
                REVERB_APP_KEY=abcdefghij0123456789
                REVERB_APP_SECRET=zyxwvutsrq9876543210
                REVERB_HOST="localhost"
                REVERB_PORT=8080
                REVERB_SCHEME=http

                VITE_REVERB_APP_KEY="${REVERB_APP_KEY}"
                VITE_REVERB_HOST="${REVERB_HOST}"
                VITE_REVERB_PORT="${REVERB_PORT}"
                VITE_REVERB_SCHEME="${REVERB_SCHEME}"

                """)
        #expect(changes.first == .init(key: "BROADCAST_CONNECTION", before: "log", after: "reverb"))
        #expect(changes.count == 11)
        let again = DotEnvInstaller.install(into: updated, values: .random())
        #expect(again.text == updated)
        #expect(again.changes.isEmpty)
    }

    @Test("present keys, even empty or exported, are kept; commented ones do not count")
    func presentKeys() {
        let text = "export REVERB_APP_ID=1\nREVERB_APP_KEY=\n# REVERB_APP_SECRET=old\nBROADCAST_CONNECTION=\"reverb\""
        let (updated, changes) = DotEnvInstaller.install(into: text, values: values)
        #expect(updated.hasPrefix(text + "\n\nREVERB_APP_SECRET=zyxwvutsrq9876543210\n"))
        #expect(!changes.contains { $0.key == "REVERB_APP_ID" || $0.key == "REVERB_APP_KEY" })
        #expect(!changes.contains { $0.key == "BROADCAST_CONNECTION" })
    }

    @Test("BROADCAST_DRIVER (Laravel 10) is rewritten and no BROADCAST_CONNECTION added; with neither, one is added")
    func broadcastDriver() {
        let legacy = DotEnvInstaller.install(into: "BROADCAST_DRIVER=pusher\n", values: values)
        #expect(legacy.text.hasPrefix("BROADCAST_DRIVER=reverb\n\nREVERB_APP_ID"))
        #expect(!legacy.text.contains("BROADCAST_CONNECTION"))
        let bare = DotEnvInstaller.install(into: "APP_NAME=x\n", values: values)
        #expect(bare.text.hasPrefix("APP_NAME=x\n\nBROADCAST_CONNECTION=reverb\n\nREVERB_APP_ID=123456\n"))
    }

    @Test("random values: id in 100000...999999, key and secret 20 lowercase alphanumerics")
    func randomValues() {
        for _ in 0..<50 {
            let random = DotEnvInstaller.Values.random()
            #expect((100_000...999_999).contains(Int(random.appID)!))
            for token in [random.appKey, random.appSecret] {
                #expect(token.count == 20)
                #expect(token.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) })
            }
            #expect(random.appKey != random.appSecret)
        }
    }
}
