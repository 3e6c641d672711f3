import Foundation
import ReverbConsole
import ReverbEngine
import Testing

@Suite struct StreamExportTests {
    @Test func oneJSONObjectPerLine() throws {
        let event = EngineEvent(
            kind: .apiMessage, time: Fixtures.now, appID: "123456", channel: "chat", event: "message",
            payload: "{\"data\":\"line\\nbreak\"}", code: nil, detail: "delivered to 1"
        )
        let line = StreamExport.jsonLine(event)
        #expect(
            line
                == #"{"time":"2027-01-15T08:00:00.000Z","type":"api_message","app_id":"123456","channel":"chat","event":"message","detail":"delivered to 1","payload":"{\"data\":\"line\\nbreak\"}"}"#
        )
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["payload"] as? String == event.payload)
    }

    @Test func writesAFile() throws {
        let directory = FileManager.default.temporaryDirectory.path
        let path = try StreamExport.write(Fixtures.events, toDirectory: directory, at: Fixtures.now)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(path.hasSuffix("/reverb-stream-20270115-080000.jsonl"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == Fixtures.events.count)
        for line in lines { #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any]) }
        #expect(lines[6].contains(#""code":4009"#))
    }
}
