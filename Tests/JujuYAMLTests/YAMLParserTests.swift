import JujuYAML
import Testing

@Suite("YAML parser")
struct YAMLParserTests {
    let parser = YAMLParser()

    @Test func pebblePlanAsYamlV3WritesIt() throws {
        let text = """
        services:
            fastapi-service:
                summary: fastapi demo
                startup: enabled
                override: replace
                command: uvicorn api_demo_server.app:app --host=0.0.0.0 --port=8000
                environment:
                    DEMO_SERVER_DB_PORT: "5432"
                    EMPTY: ""
                after:
                    - db
        """
        let node = try #require(try parser.parse(text))
        let service = try #require(node["services"]?["fastapi-service"])
        #expect(service["summary"]?.scalar?.text == "fastapi demo")
        #expect(service["command"]?.scalar?.text == "uvicorn api_demo_server.app:app --host=0.0.0.0 --port=8000")
        #expect(service["environment"]?["DEMO_SERVER_DB_PORT"]?.scalar?.resolvedTag == YAMLScalar.stringTag)
        #expect(service["environment"]?["EMPTY"]?.scalar?.text == "")
        #expect(service["after"]?.sequenceItems?.map { $0.scalar?.text } == ["db"])
        #expect(service["summary"]?.mark.line == 3)
        // Key order is the document's.
        #expect(service.mappingPairs?.map { $0.key.scalar?.text ?? "" } == ["summary", "startup", "override", "command", "environment", "after"])
    }

    @Test func jsonIsYaml() throws {
        let node = try #require(try parser.parse(#"{"services": {"a": {"override": "merge", "user-id": 5, "x": null, "b": true}}}"#))
        #expect(node["services"]?["a"]?["user-id"]?.scalar?.intValue == 5)
        #expect(node["services"]?["a"]?["x"]?.isNull == true)
        #expect(node["services"]?["a"]?["b"]?.scalar?.boolValue == true)
    }

    @Test(arguments: [
        ("5", YAMLScalar.intTag), ("-12", YAMLScalar.intTag), ("0x1F", YAMLScalar.intTag), ("0o17", YAMLScalar.intTag),
        ("1_000", YAMLScalar.intTag), ("1.5", YAMLScalar.floatTag), ("1e3", YAMLScalar.floatTag), (".inf", YAMLScalar.floatTag),
        ("true", YAMLScalar.boolTag), ("False", YAMLScalar.boolTag), ("yes", YAMLScalar.stringTag), ("on", YAMLScalar.stringTag),
        ("~", YAMLScalar.nullTag), ("null", YAMLScalar.nullTag), ("", YAMLScalar.nullTag), ("10s", YAMLScalar.stringTag),
        ("1.2.3", YAMLScalar.stringTag), ("-", YAMLScalar.stringTag), ("<<", YAMLScalar.mergeTag),
    ])
    func plainScalarsResolveAsYamlV3(text: String, tag: String) {
        #expect(YAMLScalar.resolvePlain(text) == tag)
    }

    @Test func quotedScalarsAreStrings() throws {
        let node = try #require(try parser.parse("a: '5'\nb: \"true\"\nc: !!str 7\nd: |\n  line\n"))
        #expect(node["a"]?.scalar?.resolvedTag == YAMLScalar.stringTag)
        #expect(node["b"]?.scalar?.resolvedTag == YAMLScalar.stringTag)
        #expect(node["c"]?.scalar?.resolvedTag == YAMLScalar.stringTag)
        #expect(node["c"]?.scalar?.intValue == nil)
        #expect(node["d"]?.scalar?.text == "line\n")
        #expect(node["a"]?.scalar?.shortTag == "!!str")
    }

    @Test func anchorsAliasesAndMerges() throws {
        let node = try #require(try parser.parse("""
        base: &b
            startup: enabled
            command: x
        svc:
            <<: *b
            command: y
        list: [*b, *b]
        """))
        #expect(node["svc"]?["command"]?.scalar?.text == "y")
        #expect(node["svc"]?["startup"]?.scalar?.text == "enabled")
        #expect(node["list"]?.sequenceItems?.count == 2)
        #expect(node["svc"]?["<<"] == nil)
    }

    @Test func billionLaughsIsRefused() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        #expect(throws: YAMLError.self) { try YAMLParser().parse(text) }
        do { _ = try YAMLParser().parse(text) } catch { #expect(error.code == .tooLarge) }
    }

    @Test func duplicateKeysAreRefusedAsYamlV3Does() {
        do {
            _ = try parser.parse("a: 1\nb: 2\na: 3\n")
            Issue.record("no error")
        } catch {
            #expect(error.code == .duplicateKey)
            #expect(error.description == #"yaml: line 3: mapping key "a" already defined at line 1"#)
        }
    }

    @Test(arguments: ["a: [1, 2", "a: b: c", "\t- x", "key: 'unterminated", "a:\n  - b\n c: d", "{a: 1}}"])
    func syntaxErrorsHaveALine(text: String) {
        do {
            _ = try parser.parse(text)
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.description.hasPrefix("yaml: "))
        }
    }

    @Test func invalidUTF8AndLimits() {
        #expect(throws: YAMLError.self) { try YAMLParser().parse(bytes: [0x61, 0x3A, 0x20, 0xFF, 0xFE]) }
        #expect(throws: YAMLError.self) { try YAMLParser(maximumBytes: 4).parse("a: bcdef") }
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        do { _ = try YAMLParser().parse(deep); Issue.record("no error") } catch { #expect(error.code == .tooDeep) }
        #expect(throws: YAMLError.self) { try YAMLParser().parse("a: *nope") }
    }

    @Test func emptyStreamsHaveNoDocument() throws {
        #expect(try parser.parse("") == nil)
        #expect(try parser.parse("# only a comment\n") == nil)
        #expect(try parser.parse("---\n")?.isNull == true)
        // Only the first document counts, as yaml.Unmarshal.
        #expect(try parser.parse("a: 1\n---\nb: 2\n")?["a"]?.scalar?.intValue == 1)
    }
}

/// Found while fuzzing JujuYAML (Fuzz/findings/yaml-*).
@Suite("YAML parser: fuzz findings")
struct YAMLParserFuzzFindings {
    /// yaml.v3 compares keys by kind and text: `!!str p` and `p` are the same key. The parser
    /// took them for two keys, and the emitter (which leaves the redundant tag out) then wrote a
    /// document with a duplicate key that did not read back.
    @Test(arguments: ["!!str p: 1\np: 2\n", "p: 1\n'p': 2\n", "1: a\n\"1\": b\n", "x: 1\n!!str x: 2\n"])
    func keysAreComparedByTheirText(_ text: String) {
        do {
            _ = try YAMLParser().parse(text)
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect(error.code == .duplicateKey)
            #expect(error.mark?.line == 2)
        }
    }

    /// A merged key spelled differently from the mapping's own (`'a'` against `a`) is the same key:
    /// the mapping's own wins, and the result holds it once.
    @Test func mergeKeysAreComparedByTheirText() throws {
        let node = try #require(try YAMLParser().parse("base: &b {'a': 1, b: 2}\nm:\n    <<: *b\n    a: 3\n"))
        let pairs = try #require(node["m"]?.mappingPairs)
        #expect(pairs.map { $0.key.scalar?.text } == ["a", "b"])
        #expect(node["m"]?["a"]?.scalar?.text == "3")
    }

    /// Building the tree copied the collection being read for every item, and a mapping compared
    /// each key with all the earlier ones: a 20,000-key mapping took 44 s (debug build), which a
    /// 16 MiB document multiplies into hours. Both are linear now. The bound is far above the
    /// linear time (well under a second) and far below the quadratic one (minutes).
    @Test func largeCollectionsAreReadInLinearTime() throws {
        let count = 50_000
        let mapping = (0..<count).map { "k\($0): v\n" }.joined()
        let sequence = "[" + (0..<count).map { "x\($0)" }.joined(separator: ", ") + "]"
        let clock = ContinuousClock()
        let start = clock.now
        let m = try #require(try YAMLParser().parse(mapping))
        let s = try #require(try YAMLParser().parse(sequence))
        let elapsed = clock.now - start
        #expect(m.mappingPairs?.count == count)
        #expect(s.sequenceItems?.count == count)
        #expect(elapsed < .seconds(20), "\(elapsed)")
    }
}
