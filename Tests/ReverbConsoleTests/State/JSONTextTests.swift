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
        #expect(
            JSONText.prettyLines(#"{"z":1,"a":[1,{"b":"x,y:{"}],"e":{},"f":[]}"#) == [
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
}

@Suite struct JSONValidationMessageTests {
    /// The inject form shows where the data stops being JSON, counting from 1.
    @Test func pointsAtTheProblem() throws {
        let message = try #require(JSONText.validationError(#"{"a":1,}"#))
        #expect(message.hasSuffix(" at 8"))
        #expect(try #require(JSONText.validationError("[1 2]")).hasSuffix(" at 4"))
        #expect(JSONText.validationError("{} x") != nil)
    }

    @Test func acceptsEveryValueKind() {
        #expect(JSONText.validationError(#" {"a": [1, -2.5e+3, 0, true, false, null, "\u00e9\n"], "b": {}} "#) == nil)
    }
}
