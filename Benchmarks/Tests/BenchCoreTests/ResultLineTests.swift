import BenchCore
import Foundation
import Testing

@Suite struct ResultLineTests {
    @Test func renderingIsValidJSONInOrder() throws {
        let line = JSONValue.object([
            ("scenario", .string("fanout")), ("ok", .bool(true)), ("rate", .double(10.12345)),
            ("quote", .string("a\"b\\c\n")), ("none", .null), ("list", .array([.int(1), .int(2)])),
        ])
        let text = line.rendered
        #expect(text == #"{"scenario":"fanout","ok":true,"rate":10.123,"quote":"a\"b\\c\n","none":null,"list":[1,2]}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(parsed?["quote"] as? String == "a\"b\\c\n")
    }

    @Test func wholeDoublesRenderAsIntegers() {
        #expect(JSONValue.double(10).rendered == "10")
        #expect(JSONValue.double(.nan).rendered == "null")
    }

    @Test func schemaFindsMissingKeys() {
        var members: [(String, JSONValue)] = [
            ("scenario", .string("client-events")), ("target", .string("h:1")), ("ok", .bool(true)),
            ("date", .string("d")), ("elapsed_s", .double(1)), ("failures", .int(0)),
            ("round_trips", .int(1)), ("sent", .int(1)), ("lost", .int(0)),
        ]
        #expect(ResultSchema.missingKeys(in: .object(members)) == ["rtt_us"])
        members.append(("rtt_us", LatencyHistogram().summary))
        #expect(ResultSchema.missingKeys(in: .object(members)).isEmpty)
        #expect(ResultSchema.missingKeys(in: .object([("scenario", .string("nope"))])) == ["scenario"])
    }

    @Test func everyScenarioHasASchema() {
        for name in ["connect", "fanout", "channels", "presence", "client-events"] {
            #expect(ResultSchema.byScenario[name] != nil)
        }
    }
}
