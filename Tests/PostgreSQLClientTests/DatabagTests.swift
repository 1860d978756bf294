import JujuJSON
import PostgreSQLClient
import Testing

@Suite("Databag")
struct DatabagTests {
    @Test("setting \"\" or nil through the subscript deletes the key")
    func subscriptDeletes() {
        var bag: Databag = ["database": "names_db", "alias": "a"]
        bag["database"] = ""
        #expect(bag["database"] == nil)
        #expect(bag.values == ["alias": "a"])
        bag["alias"] = nil
        #expect(bag.isEmpty)
        bag["version"] = "14.15"
        #expect(bag.values == ["version": "14.15"])
        bag["missing"] = ""
        #expect(bag.count == 1)
    }

    @Test("update applies Juju's rules: \"\" deletes, other values set")
    func updateDeletes() {
        var bag: Databag = ["tls": "True", "tls-ca": "-----BEGIN CERTIFICATE-----", "version": "14.15"]
        bag.update(["tls": "False", "tls-ca": "", "endpoints": "10.0.0.1:5432", "absent": ""])
        #expect(bag.values == ["tls": "False", "version": "14.15", "endpoints": "10.0.0.1:5432"])
        #expect(bag.sortedKeys == ["endpoints", "tls", "version"])
    }

    @Test("values read from the wire keep \"\" so the validator can report it")
    func wireKeepsEmpty() throws {
        let bag = try Databag(json: #"{"database": "", "alias": "x"}"#)
        #expect(bag["database"] == "")
        #expect(bag.count == 2)
        #expect(Databag(["k": ""]).values == ["k": ""])
    }

    @Test("init(json:) reads a JSON object of strings")
    func readsJSON() throws {
        let bag = try Databag(json: #"{"database": "names_db", "requested-secrets": "[\"username\", \"password\"]", "é": "\u00e9"}"#)
        #expect(bag.values == ["database": "names_db", "requested-secrets": #"["username", "password"]"#, "é": "é"])
        #expect(try Databag(json: "{}").isEmpty)
        #expect(try Databag(json: " \n{ } \n").isEmpty)
    }

    @Test(
        "init(json:) error codes",
        arguments: [
            ("", DatabagError.Code.notJSON), ("not json", .notJSON), ("{\"a\": \"b\"", .notJSON),
            (#"{"a": "b", "a": "c"}"#, .notJSON), (#"{"a": "b"} x"#, .notJSON), ("[]", .notAnObject),
            (#""text""#, .notAnObject), ("14", .notAnObject), ("null", .notAnObject), (#"{"a": 1}"#, .valueNotString),
            (#"{"a": null}"#, .valueNotString), (#"{"a": ["x"]}"#, .valueNotString), (#"{"a": {"b": "c"}}"#, .valueNotString),
            (#"{"a": true}"#, .valueNotString),
        ])
    func jsonErrors(text: String, code: DatabagError.Code) throws {
        let error = #expect(throws: DatabagError.self) { try Databag(json: text) }
        #expect(error?.code == code)
        if code != .valueNotString {
            #expect(error?.rule == nil)
            #expect(error?.field == nil)
        }
    }

    @Test("a value that is not a string names the key and BAG-VALUE-STRING")
    func valueNotString() throws {
        let error = #expect(throws: DatabagError.self) { try Databag(json: #"{"database": "names_db", "version": 14.15}"#) }
        #expect(error?.code == .valueNotString)
        #expect(error?.field == "version")
        #expect(error?.rule == Rule.bagValueString)
        #expect(error?.rule?.id == "BAG-VALUE-STRING")
        #expect(error?.description.hasPrefix("BAG-VALUE-STRING version: value is a number;") == true)
        #expect(error?.description.contains("14.15") == false)
        // With several bad keys, the first in UTF-8 byte order is named.
        let first = #expect(throws: DatabagError.self) { try Databag(json: #"{"b": 1, "a": true, "_": "ok", "Z": null}"#) }
        #expect(first?.field == "Z")
        #expect(first?.reason.hasPrefix("value is a null;") == true)
    }

    @Test("init(jsonValue:) and jsonValue/json(style:) are inverses")
    func jsonRoundTrip() throws {
        let bag: Databag = ["z": "last", "a": "first", "é": "é", "list": #"["x"]"#]
        #expect(bag.json() == #"{"a":"first","list":"[\"x\"]","z":"last","é":"é"}"#)
        #expect(bag.json(style: .python) == #"{"a": "first", "list": "[\"x\"]", "z": "last", "\u00e9": "\u00e9"}"#)
        #expect(try Databag(jsonValue: bag.jsonValue) == bag)
        #expect(try Databag(json: bag.json(style: .python)) == bag)
        #expect(bag.sortedKeys == ["a", "list", "z", "é"])
        #expect(Set(bag.map(\.key)) == ["a", "list", "z", "é"])
    }

    @Test("dictionary literals keep the last value of a repeated key")
    func literal() {
        let bag = Databag(dictionaryLiteral: ("a", "1"), ("b", "x"), ("a", "2"))
        #expect(bag.values == ["a": "2", "b": "x"])
    }
}
