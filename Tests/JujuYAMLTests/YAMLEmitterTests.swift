import JujuYAML
import Testing

@Suite("YAML emitter")
struct YAMLEmitterTests {
    /// libyaml writes a sequence inside a mapping without indenting its dashes (yaml.v3 indents
    /// them); both read the same.
    @Test func aPebbleLayerIsWrittenInBlockStyle() throws {
        let layer = YAMLNode.mapping([
            ("summary", .string("FastAPI demo service")),
            ("services", .mapping([
                ("fastapi-service", .mapping([
                    ("override", .string("replace")),
                    ("command", .string("uvicorn api_demo_server.app:app --host=0.0.0.0 --port=8000")),
                    ("environment", .mapping([("DEMO_SERVER_DB_PORT", .string("5432")), ("FLAG", .string("yes"))])),
                    ("user-id", .int(1000)),
                    ("backoff-factor", .double(1.5)),
                    ("after", .sequence([.string("db")])),
                ])),
            ])),
        ])
        let text = try YAMLEmitter().emit(layer)
        #expect(text == """
        summary: FastAPI demo service
        services:
            fastapi-service:
                override: replace
                command: uvicorn api_demo_server.app:app --host=0.0.0.0 --port=8000
                environment:
                    DEMO_SERVER_DB_PORT: "5432"
                    FLAG: "yes"
                user-id: 1000
                backoff-factor: 1.5
                after:
                - db

        """)
        let back = try #require(try YAMLParser().parse(text))
        #expect(back["services"]?["fastapi-service"]?["environment"]?["DEMO_SERVER_DB_PORT"]?.scalar?.resolvedTag == YAMLScalar.stringTag)
        #expect(back["services"]?["fastapi-service"]?["user-id"]?.scalar?.intValue == 1000)
    }

    @Test(arguments: ["", "8000", "true", "no", "~", "null", "2024-01-01", "1:20", "-5", ".5", "a: b", "#x", "- x", "'q'",
                      "\"dq\"", "multi\nline", "trailing space ", " leading", "tab\there", "ünïcødé", "ends with newline\n"])
    func stringsReadBackAsTheSameString(_ text: String) throws {
        let out = try YAMLEmitter().emit(.mapping([("k", .string(text))]))
        let back = try #require(try YAMLParser().parse(out))
        #expect(back["k"]?.scalar?.text == text, "\(out)")
        #expect(back["k"]?.scalar?.resolvedTag == YAMLScalar.stringTag, "\(out)")
    }

    /// What YAML 1.1 (PyYAML, ops) or 1.2 (yaml.v3, Pebble) would read as another type is
    /// quoted; an IP address, a version or a duration is not, as yaml.v3 writes them plain.
    @Test(arguments: [("10.1.2.3", false), ("1.2.3", false), ("500ms", false), ("1m30s", false), ("v1.32.1", false),
                      ("relation_id_7", false), ("5432", true), ("1.5", true), ("1e3", true), ("1:20", true), ("0x1F", true),
                      ("017", true), ("0b101", true), (".5", true), ("1_000", true), ("2024-01-01", true), ("yes", true),
                      ("Off", true), ("~", true), ("", true), ("-1", true), ("+.inf", true), ("1.5e+3", true), ("1.5e3", true)])
    func quotedOnlyWhenAReaderWouldTakeItForAnotherType(text: String, quoted: Bool) {
        #expect(YAMLScalar.needsQuotesAsString(text) == quoted, "\(text)")
    }

    @Test func emptyCollectionsAndScalars() throws {
        #expect(try YAMLEmitter().emit(.mapping([])) == "{}\n")
        #expect(try YAMLEmitter().emit(.string("x")) == "x\n")
        #expect(try YAMLEmitter(indent: 2).emit(.mapping([("a", .mapping([("b", .int(1))]))])) == "a:\n  b: 1\n")
    }
}

/// Found by the `yaml` fuzz target (Fuzz/findings/yaml-*): an emitted document must read back
/// as the same node (same text, same resolved type).
@Suite("YAML emitter: fuzz findings")
struct YAMLEmitterFuzzFindings {
    func roundTrip(_ text: String) throws -> (emitted: String, original: YAMLNode, back: YAMLNode?) {
        let original = try #require(try YAMLParser().parse(text))
        let emitted = try YAMLEmitter().emit(original)
        return (emitted, original, try YAMLParser().parse(emitted))
    }

    /// `!!str 123` was written as plain `123`, which reads back as an integer.
    @Test(arguments: ["k: !!str 123", "k: !!str true", "k: !!str ~", "k: !!str", "!!str 1.5: v", "k: !!str <<"])
    func explicitStringTagOnPlainText(_ text: String) throws {
        let (emitted, original, back) = try roundTrip(text)
        let a = try #require(original.mappingPairs?.first)
        let b = try #require(back?.mappingPairs?.first, "\(emitted)")
        for (x, y) in [(a.key, b.key), (a.value, b.value)] {
            #expect(y.scalar?.text == x.scalar?.text, "\(emitted)")
            #expect(y.scalar?.resolvedTag == x.scalar?.resolvedTag, "\(emitted)")
        }
        #expect(b.value.scalar?.resolvedTag == YAMLScalar.stringTag || b.key.scalar?.resolvedTag == YAMLScalar.stringTag)
    }

    @Test func stringTagIsWrittenAsQuotes() throws {
        #expect(try roundTrip("k: !!str 123").emitted == "k: \"123\"\n")
        // A standard tag the text resolves to anyway is left out.
        #expect(try roundTrip("k: !!int 5").emitted == "k: 5\n")
        #expect(try roundTrip("k: !!str 'a'").emitted == "k: 'a'\n")
    }

    /// Other standard tags on text that does not resolve to them keep the tag.
    @Test(arguments: [("k: !!int abc", YAMLScalar.intTag), ("k: !!bool 'yes'", YAMLScalar.boolTag),
                      ("k: !!null x", YAMLScalar.nullTag), ("k: !!float \"2\"", YAMLScalar.floatTag)])
    func otherStandardTagsAreKept(_ text: String, _ tag: String) throws {
        let (emitted, original, back) = try roundTrip(text)
        #expect(back?["k"]?.scalar?.resolvedTag == tag, "\(emitted)")
        #expect(back?["k"]?.scalar?.text == original["k"]?.scalar?.text, "\(emitted)")
    }

    /// An empty plain key (null) was single-quoted by libyaml, so it read back as a string.
    @Test func emptyNullKey() throws {
        let (emitted, original, back) = try roundTrip("? \n: v\n")
        #expect(emitted == "!!null '': v\n")
        #expect(original.mappingPairs?.first?.key.isNull == true)
        #expect(back?.mappingPairs?.first?.key.isNull == true, "\(emitted)")
        #expect(back?.mappingPairs?.first?.key.scalar?.text == "", "\(emitted)")
    }

    /// A document that is only `!!null` (or `---` and nothing) was written as an empty text,
    /// which holds no document at all.
    @Test(arguments: ["!!null ", "--- \n", "~"])
    func nullDocument(_ text: String) throws {
        let (emitted, original, back) = try roundTrip(text)
        let node = try #require(back, "\(emitted.debugDescription) holds no document")
        #expect(node.isNull)
        #expect(node.scalar?.text == original.scalar?.text)
    }
}

@Suite("YAML emitter: flow style")
struct YAMLEmitterFlowTests {
    /// A flow collection stays flow, and an empty null inside one stays null (fuzz finding
    /// yaml-flow-empty-null: `{{}\n}` read back with its value as the string '').
    @Test(arguments: ["{{}\n}\n", "a: {b: , c: d}\n", "[a, [b, {c: }]]\n", "k: [x, y]\n"])
    func flowRoundTrips(text: String) throws {
        let node = try #require(try YAMLParser().parse(text))
        let out = try YAMLEmitter().emit(node)
        let back = try #require(try YAMLParser().parse(out))
        #expect(Self.sameMeaning(back, node), "\(out)")
        #expect(back.isFlow == node.isFlow)
    }

    /// The same text and resolved type for every scalar, the same shape otherwise (a scalar's
    /// style and tag may change: `!!null ''` is the empty null).
    static func sameMeaning(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
        switch (a.content, b.content) {
        case (.scalar(let x), .scalar(let y)): return x.text == y.text && x.resolvedTag == y.resolvedTag
        case (.sequence(let x), .sequence(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameMeaning($0, $1) }
        case (.mapping(let x), .mapping(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { sameMeaning($0.key, $1.key) && sameMeaning($0.value, $1.value) }
        default: return false
        }
    }
}
