import JujuHookTools
import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit
import Synchronization
import Testing

@Suite("Scenario-like harness")
struct HarnessTests {
    static func relation() -> InMemoryJuju {
        let model = InMemoryJuju()
        model.addRelation(.init(
            id: 3, endpoints: ["demo": "database", "pg": "database"], interface: "postgresql_client",
            apps: ["demo", "pg"], units: ["demo": ["demo/0"], "pg": ["pg/0"]],
            appBags: ["demo": [:], "pg": [:]], unitBags: ["demo/0": [:], "pg/0": [:]]))
        model.setLeader(app: "demo", unit: "demo/0")
        model.setLeader(app: "pg", unit: "pg/0")
        return model
    }

    @Test("a requirer and a provider talk through the model: request, answer, database_created, charm reaction")
    func wholeExchange() throws {
        let model = Self.relation()
        let version = try JujuVersion(parsing: "3.6.4")
        let seen = Mutex<[String]>([])
        let requirer = RequirerHarness(
            model: model, requirer: try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db")),
            scope: .init(relationID: 3, relationName: "database", localUnit: "demo/0", remoteApp: "pg", jujuVersion: version)
        ) { event, tools in
            seen.withLock { $0.append(event.name) }
            if event.name == "database_created" { try tools.statusSet(.active, message: "", application: false) }
        }
        let provider = ProviderHarness(
            model: model, provider: DatabaseProvider(relationName: "database"),
            scope: .init(relationID: 3, relationName: "database", localUnit: "pg/0", remoteApp: "demo", jujuVersion: version)
        ) { event, session throws(EngineError) in
            guard event.name == "database_requested" else { return }
            try session.setCredentials(username: "relation_id_3", password: "Pw0rdHarness1")
            try session.setEndpoints("pg-primary:5432")
            try session.setDatabase(event.string("database") ?? "")
        }

        let created = requirer.run(.created)
        #expect(created.error == nil)
        #expect(created.appBag("demo")["database"] == "names_db")
        let answered = provider.run(.changed(remoteUnit: "demo/0"))
        #expect(answered.events.map(\.name) == ["database_requested"])
        #expect(answered.appBag("pg")["secret-user"]?.hasPrefix("secret:") == true)
        #expect(answered.appBag("pg")["password"] == nil)
        #expect(answered.calls.filter { $0.argv.first == "is-leader" }.count == 1, "leadership is asked once per hook")
        let result = requirer.run(.changed(remoteUnit: "pg/0"))
        #expect(result.error == nil)
        #expect(result.events.map(\.name) == ["database_created"])
        #expect(result.events.first?.string("password") == "Pw0rdHarness1")
        #expect(seen.withLock { $0 } == ["database_created"])
        #expect(model.status(of: "demo/0")?.0 == .active)
        // State in → state out: the calls are there to assert on.
        #expect(result.calls.contains { $0.argv.first == "secret-get" && $0.argv.contains("--refresh") })
        #expect(result.calls.filter { $0.argv.first == "relation-set" }.count == 1)
        #expect(!result.calls.description.contains("Pw0rdHarness1"))
        #expect(!result.events.description.contains("Pw0rdHarness1"))
    }

    @Test("a library event can be injected straight into the charm (no relation state needed)")
    func injection() throws {
        let model = Self.relation()
        let env = Mutex<[String: String]>([:])
        let harness = RequirerHarness(
            model: model, requirer: try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db")),
            scope: .init(relationID: 3, relationName: "database", localUnit: "demo/0", remoteApp: "pg", jujuVersion: try JujuVersion(parsing: "2.9.49"))
        ) { event, tools in
            env.withLock {
                $0["HOST"] = event.string("endpoints")
                $0["USER"] = event.string("username")
            }
            try tools.statusSet(.active, message: "", application: false)
        }
        let result = harness.inject(.databaseCreated(relationID: 3, username: "u1", password: "p1p1p1p1", endpoints: "db:5432"))
        #expect(result.error == nil)
        #expect(env.withLock { $0 } == ["HOST": "db:5432", "USER": "u1"])
        #expect(result.calls.map(\.argv) == [["status-set", "active", ""]])
        #expect(model.relation(3)?.unitBags["demo/0"] == [:], "injection does not touch the relation")
    }

    @Test("a provider charm can be handed a database_requested directly")
    func providerInjection() throws {
        let model = Self.relation()
        model.setAppBag(relation: 3, app: "demo", ["database": "names_db"])
        let harness = ProviderHarness(
            model: model, provider: DatabaseProvider(relationName: "database"),
            scope: .init(relationID: 3, relationName: "database", localUnit: "pg/0", remoteApp: "demo", jujuVersion: try JujuVersion(parsing: "2.9.49"))
        ) { event, session throws(EngineError) in
            try session.setCredentials(username: "relation_id_3", password: "p4ssw0rdp4ss")
        }
        let result = harness.inject(LibraryEvent(name: "database_requested", relationID: 3, fields: ["database": "names_db"]))
        #expect(result.error == nil)
        #expect(result.appBag("pg").values == ["username": "relation_id_3", "password": "p4ssw0rdp4ss"])
    }

    @Test("a failing hook writes nothing")
    func failureWritesNothing() throws {
        let model = Self.relation()
        model.setAppBag(relation: 3, app: "pg", ["database": "names_db", "username": "u", "password": "p", "endpoints": "db:99999"])
        let harness = RequirerHarness(
            model: model, requirer: try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db")),
            scope: .init(relationID: 3, relationName: "database", localUnit: "demo/0", remoteApp: "pg", jujuVersion: try JujuVersion(parsing: "2.9.49")))
        let result = harness.run(.changed(remoteUnit: "pg/0"))
        #expect(result.error?.code == "PROV-ENDPOINTS-FORMAT")
        #expect(result.events.isEmpty)
        #expect(result.unitBag("demo/0").isEmpty)
        #expect(!result.calls.contains { $0.argv.first == "relation-set" })
    }
}

@Suite("Requirer queries")
struct RequirerQueryTests {
    @Test("credentials, fetch_relation_field and is_resource_created, through Juju 3 secrets")
    func queries() throws {
        let model = HarnessTests.relation()
        let version = try JujuVersion(parsing: "3.6.4")
        let requirer = try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db"))
        let harness = RequirerHarness(model: model, requirer: requirer, scope: .init(relationID: 3, relationName: "database", localUnit: "demo/0", remoteApp: "pg", jujuVersion: version))
        harness.run(.created)
        #expect(requirer.isResourceCreated(try harness.context(), secrets: harness.secrets) == false)
        let provider = ProviderHarness(model: model, provider: DatabaseProvider(relationName: "database"), scope: .init(relationID: 3, relationName: "database", localUnit: "pg/0", remoteApp: "demo", jujuVersion: version)) { event, session throws(EngineError) in
            try session.setCredentials(username: "relation_id_3", password: "Qz9Pw0rdQueries")
            try session.setEndpoints("pg-primary.dev.svc.cluster.local:5432,pg-replica:5433")
            try session.setTLS("True")
            try session.setTLSCA("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")
            try session.setDatabase("names_db")
        }
        provider.run(.changed(remoteUnit: "demo/0"))
        harness.run(.changed(remoteUnit: "pg/0"))
        let context = try harness.context()
        #expect(requirer.isResourceCreated(context, secrets: harness.secrets))
        #expect(requirer.isResourceCreated(context, broken: true, secrets: harness.secrets) == false)
        #expect(requirer.isResourceCreated(in: [], secrets: harness.secrets) == false)
        #expect(try requirer.fetchRelationField(context, field: "password", secrets: harness.secrets) == "Qz9Pw0rdQueries")
        #expect(try requirer.fetchRelationField(context, field: "endpoints", secrets: harness.secrets) == "pg-primary.dev.svc.cluster.local:5432,pg-replica:5433")
        let credentials = try #require(try requirer.credentials(context, secrets: harness.secrets))
        #expect(credentials.host == "pg-primary.dev.svc.cluster.local")
        #expect(credentials.port == 5432)
        #expect(credentials.username == "relation_id_3")
        #expect(credentials.database == "names_db")
        #expect(credentials.tls)
        #expect(credentials.tlsCA?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
        #expect(!String(describing: credentials).contains("Qz9Pw0rdQueries"))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("Qz9Pw0rdQueries"))
    }
}
