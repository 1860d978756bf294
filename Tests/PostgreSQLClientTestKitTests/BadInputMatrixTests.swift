import JujuHookTools
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

/// The bad-input matrix (issue 6) for the cases a vector cannot state: secrets that exist but
/// were never granted, 1 MiB values through the engines, and what the logs may (not) show.
/// The vector half of the matrix is `Fixtures/vectors/bad-input/` (its README lists both).
@Suite("Bad-input matrix: engines on the in-memory model")
struct BadInputMatrixTests {
    static let mebibyte = 1 << 20
    static let juju3 = JujuVersion(major: 3, minor: 6, patch: 4)
    static let juju29 = JujuVersion(major: 2, minor: 9, patch: 49)

    /// Relation 7 between the requirer `demo` (leader `demo/0`) and `postgresql-k8s`.
    static func model(provider: Databag, requirerUnit: Databag = [:], requirerApp: Databag = ["database": "names_db"]) -> InMemoryJuju {
        let model = InMemoryJuju()
        model.addRelation(.init(
            id: 7, endpoints: ["demo": "database", "postgresql-k8s": "database"], interface: "postgresql_client",
            apps: ["demo", "postgresql-k8s"], units: ["demo": ["demo/0"], "postgresql-k8s": ["postgresql-k8s/0"]],
            appBags: ["demo": requirerApp, "postgresql-k8s": provider],
            unitBags: ["demo/0": requirerUnit, "postgresql-k8s/0": [:]]))
        model.setLeader(app: "demo", unit: "demo/0")
        model.setLeader(app: "postgresql-k8s", unit: "postgresql-k8s/0")
        return model
    }

    static func runRequirer(_ model: InMemoryJuju, juju: JujuVersion) throws(EngineError) -> EngineOutput {
        let runner = RelationHookRunner(tools: model.tools(for: "demo/0"))
        let scope = RelationHookRunner.Scope(relationID: 7, relationName: "database", localUnit: "demo/0", remoteApp: "postgresql-k8s", jujuVersion: juju)
        return try runner.runRequirer(try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db")), hook: .changed(remoteUnit: "postgresql-k8s/0"), scope: scope)
    }

    static func relationSets(_ model: InMemoryJuju) -> [InMemoryJuju.Call] {
        model.calls.filter { $0.argv.first == "relation-set" }
    }

    @Test("secret-user names a secret that exists but was never granted to us: JUJU-SECRET-ACCESS, no relation-set")
    func secretNotGranted() throws {
        let uri = "secret:d2fjn1fmp25004or68b0"
        let model = Self.model(provider: ["data": "{}", "database": "names_db", "endpoints": "10.1.0.5:5432", "secret-user": uri])
        model.putSecret(id: uri, owner: "postgresql-k8s", label: nil, revision: 1, content: ["username": "relation_id_7", "password": "Xq3vN8pw"], grantedTo: [])
        let unitBefore = model.relation(7)!.unitBags["demo/0"]
        do {
            _ = try Self.runRequirer(model, juju: Self.juju3)
            Issue.record("the hook succeeded")
        } catch {
            #expect(error.code == "JUJU-SECRET-ACCESS")
            #expect(error.message.contains(uri), "\(error.message)")
        }
        #expect(Self.relationSets(model).isEmpty)
        #expect(model.relation(7)!.unitBags["demo/0"] == unitBefore)
        // Granting it later heals the relation: the held-back event fires at the next hook.
        model.putSecret(id: uri, owner: "postgresql-k8s", label: nil, revision: 1, content: ["username": "relation_id_7", "password": "Xq3vN8pw"], grantedTo: ["demo"])
        #expect(try Self.runRequirer(model, juju: Self.juju3).events.map(\.name) == ["database_created"])
    }

    @Test("is_resource_created is false, without error, when the user secret holds a bad uris (REQ-EVT-SECRET-CONTENT)")
    func resourceNotCreatedWithBadSecret() throws {
        let uri = "secret:d2fjn1fmp25004or68b0"
        let model = Self.model(provider: ["data": "{}", "database": "names_db", "endpoints": "10.1.0.5:5432", "secret-user": uri])
        model.putSecret(id: uri, owner: "postgresql-k8s", label: nil, revision: 1,
                        content: ["username": "relation_id_7", "password": "Xq3vN8pw", "uris": "mysql://u:p@h:3306/db"], grantedTo: ["demo"])
        let runner = RelationHookRunner(tools: model.tools(for: "demo/0"))
        let scope = RelationHookRunner.Scope(relationID: 7, relationName: "database", localUnit: "demo/0", remoteApp: "postgresql-k8s", jujuVersion: Self.juju3)
        let context = try runner.context(scope)
        let requirer = try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db"))
        #expect(!requirer.isResourceCreated(context, secrets: runner.secretReader))
        do {
            _ = try Self.runRequirer(model, juju: Self.juju3)
            Issue.record("the hook succeeded")
        } catch {
            #expect(error.code == "PROV-URIS-FORMAT")
            #expect(error.message.contains("secret-user"), "\(error.message)")
            #expect(error.message.contains("REQ-EVT-SECRET-CONTENT"), "\(error.message)")
            #expect(!error.message.contains("mysql://u:p@"), "the URI (with its password) is never shown")
        }
        #expect(Self.relationSets(model).isEmpty)
    }

    @Test("1 MiB values from the provider (a CA chain, a password): database_created fires, the snapshot holds them whole, no log shows them")
    func mebibyteValuesThroughTheRequirer() throws {
        let body = String(repeating: "QUJD", count: Self.mebibyte / 4)
        let ca = "-----BEGIN CERTIFICATE-----\n\(body)\n-----END CERTIFICATE-----\n"
        let password = String(repeating: "Pw9", count: Self.mebibyte / 3 + 1)
        let model = Self.model(provider: [
            "data": "{}", "database": "names_db", "endpoints": "10.1.0.5:5432", "password": password,
            "tls": "True", "tls-ca": ca, "username": "relation_id_7", "version": "14.15",
        ])
        let output = try Self.runRequirer(model, juju: Self.juju29)
        #expect(output.events.map(\.name) == ["database_created"])
        #expect(output.events.first?.fields["tls_ca"]?.stringValue == ca)
        #expect(output.events.first?.fields["password"]?.stringValue == password)
        let snapshot = try #require(model.relation(7)!.unitBags["demo/0"]?["data"])
        #expect(snapshot.utf8.count > 2 * Self.mebibyte)
        let parsed = try #require(Databag.snapshot(from: snapshot))
        #expect(parsed["tls-ca"] == ca)
        #expect(parsed["password"] == password)
        #expect(Self.relationSets(model).count == 1)
        #expect(!model.logs.contains { $0.contains("Pw9Pw9Pw9") || $0.contains("QUJDQUJD") })
        // A second hook with the same bag compares 2 MiB of snapshot and writes nothing.
        model.clearCalls()
        #expect(try Self.runRequirer(model, juju: Self.juju29).events.isEmpty)
        #expect(Self.relationSets(model).isEmpty)
    }

    @Test("a 1 MiB endpoints list that is bad at its very end, or everywhere, fails with PROV-ENDPOINTS-FORMAT and the message stays short", arguments: [":5432", ""])
    func mebibyteBadEndpoints(port: String) throws {
        var endpoints = (0..<(port.isEmpty ? 90_000 : 62_000)).map { "10.\($0 / 62_500 + 1).\($0 / 250 % 250).\($0 % 250 + 1)\(port)" }.joined(separator: ",")
        endpoints += ",db:65536"
        #expect(endpoints.utf8.count > Self.mebibyte)
        let model = Self.model(provider: ["data": "{}", "database": "names_db", "endpoints": endpoints, "password": "Xq3vN8pw", "username": "relation_id_7"])
        do {
            _ = try Self.runRequirer(model, juju: Self.juju29)
            Issue.record("the hook succeeded")
        } catch {
            #expect(error.code == "PROV-ENDPOINTS-FORMAT")
            #expect(error.message.contains("endpoints"), "\(error.message)")
            #expect(error.message.utf8.count < 1000, "message of \(error.message.utf8.count) bytes")
        }
        #expect(Self.relationSets(model).isEmpty)
    }

    @Test("a 1 MiB requested database name reaches the provider charm as a REQ-DATABASE-NAME violation; its snapshot is written, the hook does not fail")
    func mebibyteRequest() throws {
        let name = String(repeating: "d", count: Self.mebibyte)
        let model = InMemoryJuju()
        model.addRelation(.init(
            id: 7, endpoints: ["postgresql-k8s": "database", "demo": "database"], interface: "postgresql_client",
            apps: ["postgresql-k8s", "demo"], units: ["postgresql-k8s": ["postgresql-k8s/0"], "demo": ["demo/0"]],
            appBags: ["postgresql-k8s": [:], "demo": ["database": name]], unitBags: ["postgresql-k8s/0": [:], "demo/0": [:]]))
        model.setLeader(app: "postgresql-k8s", unit: "postgresql-k8s/0")
        model.setLeader(app: "demo", unit: "demo/0")
        let runner = RelationHookRunner(tools: model.tools(for: "postgresql-k8s/0"))
        let scope = RelationHookRunner.Scope(relationID: 7, relationName: "database", localUnit: "postgresql-k8s/0", remoteApp: "demo", jujuVersion: Self.juju3)
        let output = try runner.runProvider(DatabaseProvider(relationName: "database"), hook: .changed(remoteUnit: "demo/0"), scope: scope)
        #expect(output.events.map(\.name) == ["database_requested"])
        #expect(output.events.first?.fields["violations"] == .array([.string("REQ-DATABASE-NAME")]))
        let snapshot = try #require(model.relation(7)!.appBags["postgresql-k8s"]?["data"])
        #expect(Databag.snapshot(from: snapshot)?["database"] == name)
        let warning = try #require(model.logs.first { $0.contains("REQ-DATABASE-NAME") })
        #expect(warning.utf8.count < 1000, "the warning quotes at most a little of the value")
    }
}
