import DemoAPICharm
import JujuHookTools
import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

@Suite("demo-api-charm's hook handling, on the in-memory model")
struct DemoAPICharmHookTests {
    static func environment(_ hook: String, version: String = "2.9.49", remoteUnit: String? = "postgresql-k8s/0") -> [String: String] {
        var env = [
            "JUJU_UNIT_NAME": "demo-api-charm/0", "JUJU_VERSION": version, "JUJU_DISPATCH_PATH": "hooks/\(hook)",
            "JUJU_RELATION": "database", "JUJU_RELATION_ID": "database:7", "JUJU_REMOTE_APP": "postgresql-k8s",
        ]
        env["JUJU_REMOTE_UNIT"] = remoteUnit
        return env
    }

    static func model() -> InMemoryJuju {
        let model = InMemoryJuju()
        model.addRelation(.init(
            id: 7, endpoints: ["demo-api-charm": "database", "postgresql-k8s": "database"], apps: ["demo-api-charm", "postgresql-k8s"],
            units: ["demo-api-charm": ["demo-api-charm/0"], "postgresql-k8s": ["postgresql-k8s/0"]],
            appBags: ["demo-api-charm": ["database": "names_db"], "postgresql-k8s": [
                "database": "names_db", "endpoints": "10.1.0.5:5432", "username": "relation_id_7", "password": "Hk4Pw0rdHookCalls",
                "tls": "False", "version": "14.15",
            ]],
            unitBags: ["demo-api-charm/0": [:], "postgresql-k8s/0": [:]]))
        model.setLeader(app: "demo-api-charm", unit: "demo-api-charm/0")
        return model
    }

    @Test("a leader's relation-changed that yields database_created makes 4 tool calls: read the remote app bag, read its unit bag, write its unit bag, set status")
    func fourCalls() throws {
        let model = Self.model()
        let result = DemoAPICharm().handleHook(environment: Self.environment("database-relation-changed"), tools: model.tools(for: "demo-api-charm/0"), layerPath: nil)
        #expect(result.status == 0, "\(result.error ?? "")")
        #expect(model.calls.map(\.argv) == [
            ["relation-get", "--format=json", "-r", "7", "-", "demo-api-charm/0"],
            ["relation-get", "--format=json", "-r", "7", "--app", "-", "postgresql-k8s"],
            ["relation-set", "-r", "7", "--file", "-"],
            ["status-set", "active", ""],
        ])
        #expect(model.status(of: "demo-api-charm/0")?.0 == .active)
        #expect(model.relation(7)?.unitBags["demo-api-charm/0"]?["data"]?.contains("relation_id_7") == true)
    }

    @Test("relation-broken puts the charm back to Waiting for database relation")
    func broken() throws {
        let model = Self.model()
        let result = DemoAPICharm().handleHook(environment: Self.environment("database-relation-broken", remoteUnit: nil), tools: model.tools(for: "demo-api-charm/0"), layerPath: nil)
        #expect(result.status == 0)
        #expect(model.status(of: "demo-api-charm/0").map { "\($0.0.rawValue): \($0.1)" } == "waiting: Waiting for database relation")
    }

    @Test("bad environments and bad remote data: one line naming what is wrong, exit 1, nothing written", arguments: [
        ("JUJU_UNIT_NAME", nil as String?, "JUJU_UNIT_NAME"),
        ("JUJU_DISPATCH_PATH", "hooks/frobnicate", "unknown hook frobnicate"),
        ("JUJU_VERSION", "three", "JUJU_VERSION"),
    ])
    func badEnvironment(variable: String, value: String?, message: String) throws {
        let model = Self.model()
        var env = Self.environment("database-relation-changed")
        env[variable] = value
        let result = DemoAPICharm().handleHook(environment: env, tools: model.tools(for: "demo-api-charm/0"), layerPath: nil)
        #expect(result.status == 1)
        #expect(result.error?.contains(message) == true, "\(result.error ?? "")")
        #expect(result.error?.contains("\n") == false)
        #expect(model.relation(7)?.unitBags["demo-api-charm/0"] == [:])
    }

    @Test("a provider bag breaking a rule fails the hook with the rule id, logs it, writes nothing")
    func badRemoteData() throws {
        let model = Self.model()
        model.setAppBag(relation: 7, app: "postgresql-k8s", ["database": "names_db", "endpoints": "10.1.0.5", "username": "u", "password": "p"])
        let result = DemoAPICharm().handleHook(environment: Self.environment("database-relation-changed"), tools: model.tools(for: "demo-api-charm/0"), layerPath: nil)
        #expect(result.status == 1)
        #expect(result.error?.contains("PROV-ENDPOINTS-FORMAT") == true)
        #expect(model.logs.contains { $0.contains("ERROR") && $0.contains("PROV-ENDPOINTS-FORMAT") })
        #expect(model.relation(7)?.unitBags["demo-api-charm/0"] == [:])
    }
}
