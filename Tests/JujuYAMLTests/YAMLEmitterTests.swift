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

    @Test func emptyCollectionsAndScalars() throws {
        #expect(try YAMLEmitter().emit(.mapping([])) == "{}\n")
        #expect(try YAMLEmitter().emit(.string("x")) == "x\n")
        #expect(try YAMLEmitter(indent: 2).emit(.mapping([("a", .mapping([("b", .int(1))]))])) == "a:\n  b: 1\n")
    }
}
