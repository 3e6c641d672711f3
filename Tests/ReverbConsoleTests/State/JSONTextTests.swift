import ReverbConsole
import Testing

@Suite struct JSONTextTests {
    @Test func validatesAnyJSONValue() {
        for valid in ["{}", "[1,2]", "\"text\"", "42", "null", #"{"a":{"b":[true,false]}}"#] {
            #expect(JSONText.validationError(valid) == nil, "\(valid)")
        }
        for invalid in ["", "  ", "{", "{\"a\":}", "[1,]", "nope"] {
            #expect(JSONText.validationError(invalid) != nil, "\(invalid)")
        }
    }

    @Test func prettyPrintsKeepingKeyOrder() {
        #expect(JSONText.prettyLines(#"{"z":1,"a":[1,{"b":"x,y:{"}],"e":{},"f":[]}"#) == [
            "{",
            "  \"z\": 1,",
            "  \"a\": [",
            "    1,",
            "    {",
            "      \"b\": \"x,y:{\"",
            "    }",
            "  ],",
            "  \"e\": {},",
            "  \"f\": []",
            "}",
        ])
        #expect(JSONText.prettyLines("42") == ["42"])
        #expect(JSONText.prettyLines("not json\nat all") == ["not json", "at all"])
    }

    @Test func decodesPushersDoubleEncodedData() {
        #expect(JSONText.embeddedData(in: #"{"event":"e","data":"{\"a\":1}"}"#) == #"{"a":1}"#)
        #expect(JSONText.embeddedData(in: #"{"event":"e","data":{"a":1}}"#) == nil)
        #expect(JSONText.embeddedData(in: "[]") == nil)
    }

    @Test func quotesStrings() {
        #expect(JSONText.quoted("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
    }
}

@Suite struct JSONValidatorTests {
    @Test(arguments: [
        ("{", "expected a key at 2"),
        ("{\"a\" 1}", "expected ':' at 6"),
        ("{\"a\":1,}", "expected a key at 8"),
        ("[1,]", "expected a value at 4"),
        ("[1 2]", "expected ',' or ']' at 4"),
        ("\"abc", "unterminated string from 1"),
        ("\"\\x\"", "bad escape at 3"),
        ("\"\\u12\"", "bad \\u escape at 3"),
        ("01", "unexpected text at 2"),
        ("1.", "expected digits at 3"),
        ("tru", "expected a value at 1"),
        ("{} x", "unexpected text at 4"),
    ])
    func pointsAtTheProblem(text: String, problem: String) {
        #expect(JSONText.validationError(text) == problem)
    }

    @Test func acceptsEveryValueKind() {
        #expect(JSONText.validationError(#" {"a": [1, -2.5e+3, 0, true, false, null, "\u00e9\n"], "b": {}} "#) == nil)
    }
}
