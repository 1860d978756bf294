import Testing
@testable import JujuJSON

@Suite("JSON output")
struct JSONSerializerTests {
    @Test("Python style matches json.dumps byte for byte")
    func pythonStyle() throws {
        // Expected strings produced by CPython 3.11: json.dumps(value)
        let value: JSONValue = ["database": "names_db", "requested-secrets": ["username", "password"], "n": 1]
        #expect(value.serialized(style: .python) == #"{"database": "names_db", "n": 1, "requested-secrets": ["username", "password"]}"#)
        #expect(JSONValue.string("é😀\u{7F}/\"\\\u{1}\n").serialized(style: .python) == #""\u00e9\ud83d\ude00\u007f/\"\\\u0001\n""#)
        #expect(JSONValue.object([:]).serialized(style: .python) == "{}")
        #expect(JSONValue.array([]).serialized(style: .python) == "[]")
        #expect(JSONValue.array([.null, .bool(true), .bool(false)]).serialized(style: .python) == "[null, true, false]")
    }

    @Test("compact style is deterministic and keeps UTF-8")
    func compactStyle() throws {
        let value: JSONValue = ["b": "é", "a": [1, 2], "c": ["z": 1, "y": 2]]
        #expect(value.serialized() == #"{"a":[1,2],"b":"é","c":{"y":2,"z":1}}"#)
    }

    @Test("keys sort by UTF-8 bytes, like Go and Python, not by Swift String order")
    func utf8KeyOrder() throws {
        // Swift's String order is not byte order for every pair; the output must be.
        let value: JSONValue = ["Z": "1", "a": "2", "é": "3", "\u{FF21}": "4", "_": "5", "😀": "6", "\u{E000}": "7"]
        #expect(value.serialized() == "{\"Z\":\"1\",\"_\":\"5\",\"a\":\"2\",\"é\":\"3\",\"\u{E000}\":\"7\",\"\u{FF21}\":\"4\",\"😀\":\"6\"}")
    }

    @Test("Codable values encode to and decode from JSON values")
    func codableRoundTrip() throws {
        struct Status: Codable, Equatable {
            var code: Int
            var message: String
            var resolution: String?
        }
        let statuses = [Status(code: 4001, message: "m", resolution: nil), Status(code: 1000, message: "n", resolution: "r")]
        let encoded = try JSONValueEncoder().encode(statuses)
        #expect(encoded.serialized(style: .python) == #"[{"code": 4001, "message": "m"}, {"code": 1000, "message": "n", "resolution": "r"}]"#)
        let decoded = try JSONValueDecoder().decode([Status].self, from: encoded)
        #expect(decoded == statuses)
    }

    @Test("decoding errors name the path")
    func decodingPaths() throws {
        struct Status: Codable { var code: Int }
        do {
            _ = try JSONValueDecoder().decode([Status].self, fromJSON: #"[{"code": 1}, {"code": "x"}]"#)
            Issue.record("decoded")
        } catch let error as JSONError {
            #expect(error.path == ["1", "code"])
            #expect(error.code == .typeMismatch)
        }
        do {
            _ = try JSONValueDecoder().decode(Status.self, fromJSON: #"{}"#)
            Issue.record("decoded")
        } catch let error as JSONError {
            #expect(error.code == .missingKey)
            #expect(error.path == ["code"])
        }
    }
}
