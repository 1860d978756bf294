import Testing
@testable import JujuJSON

@Suite("JSON parsing over json-c")
struct JSONParserTests {
    let parser = JSONParser()

    @Test("parses every kind of value")
    func parsesAllKinds() throws {
        let value = try parser.parse(#"{"s": "x", "n": 1.50, "t": true, "f": false, "z": null, "a": [1, "2"], "o": {"k": "v"}}"#)
        #expect(value["s"] == .string("x"))
        #expect(value["n"]?.numberValue?.text == "1.50")
        #expect(value["t"] == .bool(true))
        #expect(value["f"] == .bool(false))
        #expect(value["z"] == .null)
        #expect(value["a"] == .array([.number(JSONNumber(1)), .string("2")]))
        #expect(value["o"]?["k"] == .string("v"))
    }

    @Test("numbers are kept exactly as written", arguments: [
        "0", "-0", "1.50", "1e5", "1.0e+2", "-1.5E-3", "12345678901234567890123", "18446744073709551616",
        "-9223372036854775809", "3.141592653589793238462643383279",
    ])
    func numbersKeptAsWritten(literal: String) throws {
        let value = try parser.parse("[\(literal)]")
        #expect(value.arrayValue?.first?.numberValue?.text == literal)
        #expect(value.serialized() == "[\(literal)]")
        let top = try parser.parse(literal)
        #expect(top.numberValue?.text == literal)
    }

    @Test("strings round-trip through every Unicode plane")
    func unicodePlanes() throws {
        // BMP (Latin, CJK), U+FFFD, astral planes 1 (emoji), 2 (CJK ext B), 14 (tags), 15/16 (private use).
        let samples = ["é", "名前", "\u{FFFD}", "😀", "\u{20BB7}", "\u{E0041}", "\u{F0000}", "\u{10FFFD}", "a\u{7F}b", "tab\tnl\n"]
        for sample in samples {
            let value = JSONValue.string(sample)
            for style in [JSONStyle.compact, .python] {
                let text = value.serialized(style: style)
                #expect(try parser.parse(text) == value, "style \(style) of \(text)")
            }
        }
    }

    @Test("surrogate-pair escapes decode to one scalar")
    func surrogatePairs() throws {
        #expect(try parser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test("embedded NUL is refused, as an escape and as a raw byte")
    func embeddedNUL() throws {
        #expect(throws: JSONError.self) { try parser.parse(#"{"a": "x\u0000y"}"#) }
        do {
            _ = try parser.parse(#"{"a": "x\u0000y"}"#)
        } catch let error as JSONError {
            #expect(error.code == .embeddedNUL)
            #expect(error.offset == 8)
        }
        let raw: [UInt8] = Array(#"{"a": "x"#.utf8) + [0] + Array(#"y"}"#.utf8)
        #expect { try parser.parse(bytes: raw) } throws: { ($0 as? JSONError)?.code == .embeddedNUL }
    }

    @Test("errors carry the byte offset and a short reason")
    func errorOffsets() throws {
        let cases: [(String, JSONError.Code, Int)] = [
            (#"{"a":1,}"#, .syntax, 7),
            (#"[1,2"#, .truncated, 4),
            (#"{"a":tru}"#, .syntax, 8),
            (#"{"a":1} x"#, .syntax, 8),
            ("", .empty, 0),
            ("   ", .empty, 0),
        ]
        for (text, code, offset) in cases {
            do {
                _ = try parser.parse(text)
                Issue.record("\(text) parsed")
            } catch let error as JSONError {
                #expect(error.code == code, "\(text)")
                #expect(error.offset == offset, "\(text): \(error)")
                #expect(!error.reason.isEmpty)
            }
        }
    }

    @Test("what json-c's strict mode lets through is refused", arguments: [
        (#"{'a': 1}"#, JSONError.Code.syntax),
        ("\"a\nb\"", .controlCharacter),
        (#"[NaN]"#, .syntax),
        (#"[Infinity]"#, .syntax),
        (#""\ud800""#, .unpairedSurrogate),
        (#""\udc00x""#, .unpairedSurrogate),
        (#""\ud800\u0041""#, .unpairedSurrogate),
        (#"{"a": 1, "a": 2}"#, .duplicateKey),
        (#"{"a": 1}{"b": 2}"#, .syntax),
        ("{\"e\u{301}\": 1, \"\u{E9}\": 2}", .duplicateKey),
        (#"[01]"#, .syntax),
        ("[1]\u{0C}", .syntax),
    ])
    func strictExtras(text: String, code: JSONError.Code) throws {
        #expect { try parser.parse(text) } throws: { ($0 as? JSONError)?.code == code }
    }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() throws {
        let bytes: [UInt8] = [0x22, 0xFF, 0x22]
        #expect { try parser.parse(bytes: bytes) } throws: { ($0 as? JSONError)?.code == .invalidUTF8 }
    }

    @Test("nesting deeper than the limit is refused")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect { try parser.parse(deep) } throws: { ($0 as? JSONError)?.code == .tooDeep }
        let ok = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect(throws: Never.self) { try parser.parse(ok) }
    }

    @Test("string dictionaries name the first key whose value is not a string")
    func stringDictionary() throws {
        #expect(try parser.parseStringDictionary(#"{"a": "1", "b": "2"}"#) == ["a": "1", "b": "2"])
        do {
            _ = try parser.parseStringDictionary(#"{"a": "1", "port": 5432}"#)
            Issue.record("accepted a number")
        } catch let error as JSONError {
            #expect(error.code == .typeMismatch)
            #expect(error.path == ["port"])
            #expect(error.reason.contains("port"))
        }
        #expect(throws: JSONError.self) { try parser.parseStringDictionary("[]") }
    }

    @Test("many documents parse without growing memory (json-c references released)")
    func repeatedParsing() throws {
        let text = #"{"database": "names_db", "endpoints": "10.1.0.5:5432", "list": [1, 2, {"x": null}]}"#
        for _ in 0..<2_000 {
            _ = try parser.parse(text)
        }
    }
}

@Suite("JSON parser regressions found by fuzzing")
struct JSONParserFuzzRegressions {
    @Test("a failed parse leaves nothing behind for the next document (json-c tokener reuse)")
    func tokenerReuse() throws {
        // Fuzz/findings/json-tokener-reuse: a truncated high surrogate, then a valid document.
        for _ in 0..<3 {
            #expect(throws: JSONError.self) { try JSONParser().parse(bytes: Array(#""\ud800\u"#.utf8)) }
            #expect(throws: JSONError.self) { try JSONParser().parseStringDictionary(bytes: Array(#""\ud800\u"#.utf8)) }
            #expect(try JSONParser().parse(bytes: Array(#"{"a":"\u0002"}"#.utf8)) == ["a": "\u{02}"])
            #expect(throws: JSONError.self) { try JSONParser().parse(#"{"k": "\ud83d"#) }
            #expect(try JSONParser().parseStringDictionary(#"{"b":"\u00e9\u0041"}"#) == ["b": "éA"])
        }
    }
}
