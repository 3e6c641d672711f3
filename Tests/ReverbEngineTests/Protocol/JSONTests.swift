import Foundation
import NIOCore
import Testing
@testable import ReverbEngine

@Suite("JSON parsing and writing")
struct JSONTests {
    @Test("member order and number literals survive a round trip")
    func roundTrip() throws {
        let text = #"{"user_id":2,"user_info":{"name":"Test User 2","score":1.50,"tags":["a",true,null]}}"#
        #expect(try JSONParser.parse(text).jsonText == text)
    }

    @Test("escapes are decoded and re-encoded; slashes and non-ASCII stay literal")
    func escapes() throws {
        let value = try JSONParser.parse(#"{"a":"line\nbreak \"q\" \\ \/ \u00e9 \ud83d\ude00"}"#)
        #expect(value["a"] == .string("line\nbreak \"q\" \\ / é 😀"))
        #expect(value.jsonText == #"{"a":"line\nbreak \"q\" \\ / é 😀"}"#)
        #expect(JSONValue.string("\u{01}").jsonText == #""\u0001""#)
    }

    @Test("every control character, quote and backslash is escaped so that a JSON reader gets the string back")
    func everyEscape() throws {
        let text = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "é😀 \"quoted\" end"
        let quoted = text.jsonQuoted
        #expect(try JSONDecoder().decode(String.self, from: Data(quoted.utf8)) == text)
        #expect(quoted.hasPrefix(#""\u0000\u0001"#))
        #expect(quoted.contains(##"\u001f !\"#$"##))
        #expect("".jsonQuoted == #""""#)
        var contents = ByteBuffer()
        contents.writeJSONStringContents("")
        contents.writeJSONStringContents("plain")
        contents.writeJSONStringContents("")
        #expect(String(buffer: contents) == "plain")
    }

    @Test(
        "malformed documents are refused",
        arguments: [
            "", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"abc", "{\"a\":1}x", "\"\\x\"",
            "\"\u{01}\"",
            "\"\\ud800\"", String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
        ])
    func refused(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test("numbers keep their literal text")
    func numbers() throws {
        #expect(try JSONParser.parse("[0,-1,2.5e10,1E-2]").jsonText == "[0,-1,2.5e10,1E-2]")
    }
}
