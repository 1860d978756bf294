import JujuYAML
import Pebble
import Testing

@Suite("Layers and plans as YAML")
struct LayerYAMLTests {
    static let tutorialLayer = Layer(summary: "FastAPI demo service", description: "pebble config layer for FastAPI demo server", services: [
        "fastapi-service": Service(override: .replace, command: "uvicorn api_demo_server.app:app --host=0.0.0.0 --port=8000",
                                   summary: "fastapi demo", startup: .enabled,
                                   environment: ["DEMO_SERVER_DB_HOST": "10.1.2.3", "DEMO_SERVER_DB_PORT": "5432",
                                                 "DEMO_SERVER_DB_USER": "relation_id_7", "DEMO_SERVER_DB_PASSWORD": "x7Kq2PmN"]),
    ])

    @Test func theTutorialLayerRoundTrips() throws {
        let text = Self.tutorialLayer.yaml()
        #expect(text.contains("summary: FastAPI demo service\n"))
        #expect(text.contains("        startup: enabled\n        override: replace\n"))
        #expect(text.contains(#"DEMO_SERVER_DB_PORT: "5432""#))
        #expect(try Layer(yaml: text) == Self.tutorialLayer)
    }

    @Test func everyServiceFieldRoundTripsWithPebbleSpellings() throws {
        let service = Service(override: .merge, command: "/bin/app [ --verbose ]", summary: "s", description: "d", startup: .disabled,
                              after: ["a"], before: ["b"], requires: ["c"], workload: "w", environment: ["K": "V"], userID: 1000,
                              user: "app", groupID: 1001, group: "appg", workingDir: "/srv", onSuccess: .ignore, onFailure: .shutdown,
                              onCheckFailure: ["up": .restart], backoffDelay: .milliseconds(250), backoffFactor: 1.5,
                              backoffLimit: .seconds(90), killDelay: .seconds(10))
        let check = Check(override: .replace, level: .alive, startup: .enabled, period: .seconds(5), timeout: .seconds(1), threshold: 4,
                          http: HTTPCheck(url: "http://localhost:8000/health", headers: ["X": "y"]))
        let exec = Check(override: .merge, exec: ExecCheck(command: "true", serviceContext: "svc", environment: ["A": "b"], userID: 1,
                                                           user: "u", groupID: 2, group: "g", workingDir: "/tmp"))
        let tcp = Check(override: .merge, tcp: TCPCheck(port: 5432, host: "db"))
        let target = LogTarget(type: .loki, location: "http://loki:3100", services: ["all", "-svc"], override: .merge, labels: ["env": "dev"])
        let layer = Layer(summary: "x", services: ["svc": service], checks: ["up": check, "run": exec, "port": tcp], logTargets: ["loki": target])
        let text = layer.yaml()
        for spelling in ["user-id: 1000", "group-id: 1001", "working-dir: /srv", "on-success: ignore", "on-failure: shutdown",
                         "on-check-failure:", "backoff-delay: 250ms", "backoff-factor: 1.5", "backoff-limit: 1m30s", "kill-delay: 10s",
                         "service-context: svc", "log-targets:", "threshold: 4", "period: 5s"] {
            #expect(text.contains(spelling), "\(spelling) in\n\(text)")
        }
        #expect(try Layer(yaml: text) == layer)
    }

    @Test func aPlanAsPebbleWritesItIsRead() throws {
        // yaml.v3's layout: 4-space indentation, sequences indented, durations re-printed.
        let plan = try Plan(yaml: """
        services:
            fastapi-service:
                summary: fastapi demo
                startup: enabled
                override: replace
                command: uvicorn api_demo_server.app:app --host=0.0.0.0 --port=8000
                after:
                    - db
                environment:
                    DEMO_SERVER_DB_PORT: "5432"
                kill-delay: 1m0s
        checks:
            up:
                override: replace
                threshold: 3
                tcp:
                    port: 8000
        """)
        let service = try #require(plan.services["fastapi-service"])
        #expect(service.startup == .enabled)
        #expect(service.after == ["db"])
        #expect(service.environment == ["DEMO_SERVER_DB_PORT": "5432"])
        #expect(service.killDelay == .seconds(60))
        #expect(plan.checks["up"]?.tcp?.port == 8000)
        #expect(plan.checks["up"]?.threshold == 3)
        #expect(try Plan(yaml: "{}\n").services.isEmpty)
    }

    @Test func aNewerPebblesUnknownFieldsDoNotBreakTheClient() throws {
        let plan = try Plan(yaml: "services:\n    s:\n        override: replace\n        command: x\n        new-field: 1\nworkloads:\n    w: {}\n")
        #expect(plan.services["s"]?.command == "x")
    }

    @Test(arguments: [
        ("services: [1, 2]\n", "cannot read the plan Pebble sent: cannot parse layer \"plan\" section \"services\": yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]*plan.Service"),
        ("services:\n    s:\n        user-id: abc\n", "line 3: cannot unmarshal !!str `abc` into int"),
        ("services:\n    s:\n        kill-delay: 5\n", "invalid duration \"5\""),
        ("services:\n    s:\n        backoff-factor: [1]\n", "value must be a YAML number"),
        ("- just\n- a list\n", "cannot unmarshal !!seq into map[string]yaml.Node"),
        ("services: {a: 1\n", "yaml: line"),
    ])
    func badPlansAreProtocolErrorsWithYamlV3sWords(text: String, expected: String) {
        do {
            _ = try Plan(yaml: text)
            Issue.record("no error")
        } catch {
            #expect(error.code == .protocolError)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func aBadLayerIsAnInvalidLayerError() {
        #expect(throws: PebbleError.self) { try Layer(yaml: "services: nope") }
        do { _ = try Layer(yaml: "services:\n    s: 5\n") } catch { #expect(error.code == .invalidLayer) }
    }
}

@Suite("Plan YAML layout")
struct PlanYAMLLayoutTests {
    /// Specs/pebble.md §4.6: the example layer gives this plan (natural key order, quoting,
    /// `1m0s`, the default threshold); libyaml does not indent the dashes of a sequence.
    @Test func thePlanIsWrittenAsPebbleWritesIt() throws {
        var manager = Plan()
        manager.services["web"] = Service(override: .replace, command: "/bin/web --port 8080", startup: .enabled,
                                          environment: ["PORT": "8080", "A10": "ten", "A2": "two"], killDelay: .seconds(60))
        manager.checks["up"] = Check(override: .replace, level: .ready, threshold: 3, http: HTTPCheck(url: "http://localhost:8080/"))
        #expect(manager.yamlText() == """
        services:
            web:
                startup: enabled
                override: replace
                command: /bin/web --port 8080
                environment:
                    A2: two
                    A10: ten
                    PORT: "8080"
                kill-delay: 1m0s
        checks:
            up:
                override: replace
                level: ready
                threshold: 3
                http:
                    url: http://localhost:8080/

        """)
    }

    @Test(arguments: [("a2", "a10"), ("a", "b"), ("a1", "ab"), ("x9", "x10"), ("A2", "A10"), ("svc", "svc2"), ("a_b", "ab")])
    func keysSortNaturally(first: String, second: String) {
        let plan = Plan(services: [first: Service(override: .replace, command: "a"), second: Service(override: .replace, command: "b")])
        let lines = plan.yamlText().split(separator: "\n").map(String.init)
        let i = lines.firstIndex(of: "    \(first):")
        let j = lines.firstIndex(of: "    \(second):")
        #expect(i != nil && j != nil && i! < j!, "\(lines)")
    }
}
