import JujuHookTools
import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit
import Synchronization
import Testing

final class EventLog: Sendable {
    let events = Mutex<[LibraryEvent]>([])
}

/// A requirer (the tutorial's demo-api-charm) related to a fake postgresql-k8s.
struct Deployment {
    let model = InMemoryJuju()
    let fake: FakeProvider
    let allocator: InMemoryAllocator
    let requirer: RequirerHarness
    let driver: RelationLifeDriver
    let seen: EventLog

    init(version: String = "3.6.4", relationID: Int = 7, database: String = "names_db", extraUserRoles: String? = nil, allocator: InMemoryAllocator = InMemoryAllocator(), seed: UInt64 = 42) throws {
        let juju = try JujuVersion(parsing: version)
        model.addRelation(.init(
            id: relationID, endpoints: ["demo-api-charm": "database", "postgresql-k8s": "database"], apps: ["demo-api-charm", "postgresql-k8s"],
            units: ["demo-api-charm": ["demo-api-charm/0"], "postgresql-k8s": ["postgresql-k8s/0"]],
            appBags: ["demo-api-charm": [:], "postgresql-k8s": [:]], unitBags: ["demo-api-charm/0": [:], "postgresql-k8s/0": [:]]))
        model.setLeader(app: "demo-api-charm", unit: "demo-api-charm/0")
        self.allocator = allocator
        fake = FakeProvider(model: model, configuration: .init(jujuVersion: juju, seed: seed), allocator: allocator)
        let seen = EventLog()
        self.seen = seen
        requirer = RequirerHarness(
            model: model, requirer: try DatabaseRequirer(.init(relationName: "database", databaseName: database, extraUserRoles: extraUserRoles)),
            scope: .init(relationID: relationID, relationName: "database", localUnit: "demo-api-charm/0", remoteApp: "postgresql-k8s", jujuVersion: juju)
        ) { event, _ in seen.events.withLock { $0.append(event) } }
        driver = RelationLifeDriver(model: model, relationID: relationID, requirerUnits: [requirer], providerUnits: fake.units(relationID: relationID))
    }

    var events: [String] { seen.events.withLock { $0.map(\.name) } }
    var last: LibraryEvent? { seen.events.withLock { $0.last } }
    func credentials() throws -> DatabaseCredentials? {
        try requirer.requirer.credentials(try requirer.context(), secrets: requirer.secrets)
    }
}

@Suite("Fake postgresql-k8s, in memory")
struct FakeProviderTests {
    @Test("a request gets a user named relation_id_<id>, a 16-character alphanumeric password and the database, in both Juju modes", arguments: ["3.6.4", "2.9.49"])
    func answersRequest(version: String) async throws {
        let d = try Deployment(version: version)
        let fired = await d.driver.integrate()
        #expect(fired.allSatisfy { $0.error == nil }, "\(fired)")
        #expect(d.events == ["database_created"])
        let credentials = try #require(try d.credentials())
        #expect(credentials.username == "relation_id_7")
        #expect(credentials.password.count == 16 && credentials.password.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(credentials.database == "names_db")
        #expect(credentials.host == "postgresql-k8s-primary.dev.svc.cluster.local" && credentials.port == 5432)
        #expect(credentials.uris?.password == credentials.password)
        #expect(credentials.tls == false)
        #expect(credentials.version == "14.15")
        #expect(d.allocator.canConnect(user: "relation_id_7", password: credentials.password, database: "names_db"))
        let bag = try #require(d.model.relation(7)?.appBags["postgresql-k8s"])
        #expect(DatabagValidator().validate(bag, as: .providerApp).isEmpty)
        #expect((bag["password"] == nil) == (version == "3.6.4"), "credentials travel in a secret exactly under Juju 3")
        #expect(d.fake.status == (.active, ""))
    }

    @Test("a seed makes passwords reproducible; without one they differ")
    func seededPasswords() async throws {
        let a = try Deployment(seed: 7)
        let b = try Deployment(seed: 7)
        await a.driver.integrate()
        await b.driver.integrate()
        #expect(try a.credentials()?.password == b.credentials()?.password)
        var g1 = PasswordGenerator()
        var g2 = PasswordGenerator()
        #expect(g1.next() != g2.next())
    }

    @Test("rotating the password: new credentials in the bag or secret, no library event (as data_interfaces), the old password stops working")
    func rotate() async throws {
        let d = try Deployment()
        await d.driver.integrate()
        let old = try #require(try d.credentials()?.password)
        let new = try await d.fake.rotatePassword(relationID: 7)
        await d.driver.settle()
        #expect(d.events == ["database_created"], "secret content changes emit nothing")
        #expect(try d.credentials()?.password == new)
        #expect(try d.credentials()?.uris?.password == new)
        #expect(!d.allocator.canConnect(user: "relation_id_7", password: old, database: "names_db"))
        #expect(d.allocator.canConnect(user: "relation_id_7", password: new, database: "names_db"))
    }

    @Test("moving the primary: endpoints_changed with the new host, URIs follow")
    func movePrimary() async throws {
        let d = try Deployment(version: "2.9.49")
        await d.driver.integrate()
        try d.fake.movePrimary(to: "10.1.0.9")
        await d.driver.settle()
        #expect(d.events == ["database_created", "endpoints_changed"])
        #expect(d.last?.string("endpoints") == "10.1.0.9:5432")
        #expect(try d.credentials()?.uris?.hosts.first?.host == "10.1.0.9")
    }

    @Test("adding and removing replicas: read_only_endpoints_changed each time")
    func replicas() async throws {
        let d = try Deployment()
        await d.driver.integrate()
        try d.fake.addReplica("postgresql-k8s-replicas.dev.svc.cluster.local")
        await d.driver.settle()
        #expect(d.last?.name == "read_only_endpoints_changed")
        #expect(d.last?.string("read_only_endpoints") == "postgresql-k8s-replicas.dev.svc.cluster.local:5432")
        try d.fake.removeReplica("postgresql-k8s-replicas.dev.svc.cluster.local")
        await d.driver.settle()
        #expect(d.events == ["database_created", "read_only_endpoints_changed", "read_only_endpoints_changed"])
        #expect(d.last?.string("read_only_endpoints") == "postgresql-k8s-primary.dev.svc.cluster.local:5432")
    }

    @Test("enabling TLS: tls True and the CA reach the requirer (through the tls secret under Juju 3)")
    func tls() async throws {
        let d = try Deployment()
        await d.driver.integrate()
        let ca = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----"
        try d.fake.enableTLS(ca: ca)
        await d.driver.settle()
        let credentials = try #require(try d.credentials())
        #expect(credentials.tls)
        #expect(credentials.tlsCA == ca)
        #expect(d.model.relation(7)?.appBags["postgresql-k8s"]?["tls-ca"] == nil, "in the secret, not the bag")
    }

    @Test("upgrading: version changes in the bag, no event")
    func upgrade() async throws {
        let d = try Deployment()
        await d.driver.integrate()
        try d.fake.upgrade(to: "16.9")
        await d.driver.settle()
        #expect(try d.credentials()?.version == "16.9")
        #expect(d.events == ["database_created"])
    }

    @Test("a delayed answer comes after the given number of hooks")
    func delay() async throws {
        let d = try Deployment()
        d.fake.delayNextAnswer(hooks: 2)
        await d.driver.integrate()
        #expect(d.events.isEmpty)
        #expect(d.fake.answeredRelations.isEmpty)
        let unit = d.fake.unit("postgresql-k8s/0", relationID: 7)
        _ = await unit.run(.changed(remoteUnit: "demo-api-charm/0"))
        #expect(d.fake.answeredRelations.isEmpty)
        _ = await unit.run(.changed(remoteUnit: "demo-api-charm/0"))
        #expect(d.fake.answeredRelations == [7])
        await d.driver.settle()
        #expect(d.events == ["database_created"])
    }

    @Test("relation-broken revokes the user and keeps the database; a reused relation id gets a new user")
    func revokeAndReuse() async throws {
        let d = try Deployment()
        await d.driver.integrate()
        let first = try #require(try d.credentials()?.password)
        let ending = await d.driver.remove()
        #expect(ending.allSatisfy { $0.error == nil })
        #expect(d.allocator.users["relation_id_7"] == nil)
        #expect(d.allocator.databases.contains("names_db"))
        // The same relation id again (Juju never reuses ids, but a test may): a fresh user.
        let again = try Deployment(allocator: d.allocator, seed: 99)
        await again.driver.integrate()
        let second = try #require(try again.credentials()?.password)
        #expect(second != first)
        #expect(d.allocator.canConnect(user: "relation_id_7", password: second, database: "names_db"))
        #expect(!d.allocator.canConnect(user: "relation_id_7", password: first, database: "names_db"))
    }

    @Test("an invalid database name or a forbidden extra role: no credentials, nothing allocated, Blocked with the real charm's message", arguments: [
        ("names_db", "unknown_role", "invalid role(s) for extra user roles"),
        (String(repeating: "d", count: 64), nil as String?, "Failed to initialize database relation"),
    ])
    func refusals(database: String, roles: String?, message: String) async throws {
        let d = try Deployment(database: database, extraUserRoles: roles)
        await d.driver.integrate()
        #expect(d.events.isEmpty)
        #expect(d.allocator.users.isEmpty)
        #expect(d.fake.status == (.blocked, message))
        #expect(d.model.status(of: "postgresql-k8s/0")?.1 == message)
        let bag = d.model.relation(7)?.appBags["postgresql-k8s"] ?? Databag()
        #expect(bag["secret-user"] == nil && bag["username"] == nil)
    }

    @Test("extra roles as postgresql-k8s takes them: lower-cased, access groups dropped, relation_access added")
    func extraRoles() async throws {
        let d = try Deployment(extraUserRoles: "CREATEDB,charmed_read")
        await d.driver.integrate()
        #expect(d.allocator.users["relation_id_7"]?.roles == ["createdb", "charmed_read", "relation_access"])
    }

    @Test("a prefix request lists the matching databases in prefix-databases")
    func prefix() async throws {
        let d = try Deployment(database: "names*", allocator: InMemoryAllocator(existingDatabases: ["names_a", "names_b", "other"]))
        await d.driver.integrate()
        #expect(d.events == ["database_created"])
        #expect(d.last.map { $0.fields["prefix_databases"] } == .array(["names_a", "names_b"]))
        #expect(d.model.relation(7)?.appBags["postgresql-k8s"]?["database"] == "names*")
    }

    @Test("many relations at once, each isolated with its own user")
    func manyRelations() async throws {
        let model = InMemoryJuju()
        let allocator = InMemoryAllocator()
        let fake = FakeProvider(model: model, configuration: .init(seed: 1), allocator: allocator)
        for id in 1...25 {
            let app = "app\(id)"
            model.addRelation(.init(id: id, endpoints: [app: "database", "postgresql-k8s": "database"], apps: [app, "postgresql-k8s"], units: [app: ["\(app)/0"], "postgresql-k8s": ["postgresql-k8s/0"]], appBags: [app: [:], "postgresql-k8s": [:]], unitBags: ["\(app)/0": [:], "postgresql-k8s/0": [:]]))
            model.setLeader(app: app, unit: "\(app)/0")
            let requirer = RequirerHarness(model: model, requirer: try DatabaseRequirer(.init(relationName: "database", databaseName: "db\(id % 5)")), scope: .init(relationID: id, relationName: "database", localUnit: "\(app)/0", remoteApp: "postgresql-k8s", jujuVersion: JujuVersion(major: 3, minor: 6, patch: 4)))
            let driver = RelationLifeDriver(model: model, relationID: id, requirerUnits: [requirer], providerUnits: fake.units(relationID: id))
            let fired = await driver.integrate()
            #expect(fired.allSatisfy { $0.error == nil })
        }
        #expect(allocator.users.count == 25)
        #expect(Set(allocator.users.values.map(\.password)).count == 25)
        #expect(!allocator.canConnect(user: "relation_id_1", password: allocator.users["relation_id_1"]!.password, database: "db2"))
    }
}
