import JujuHookTools
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

@Suite("A relation's whole life between two applications, in Juju's hook order")
struct RelationLifeDriverTests {
    @Test("two requirer units and two provider units, Juju 3 and 2.9: each requirer unit gets database_created once, the provider leader answers once", arguments: ["3.6.4", "2.9.49"])
    func wholeLife(version: String) async throws {
        let juju = try JujuVersion(parsing: version)
        let model = InMemoryJuju()
        model.addRelation(.init(
            id: 5, endpoints: ["demo": "database", "pg": "database"], apps: ["demo", "pg"],
            units: ["demo": ["demo/0", "demo/1"], "pg": ["pg/0", "pg/1"]],
            appBags: ["demo": [:], "pg": [:]], unitBags: ["demo/0": [:], "demo/1": [:], "pg/0": [:], "pg/1": [:]]))
        model.setLeader(app: "demo", unit: "demo/0")
        model.setLeader(app: "pg", unit: "pg/1")
        let requirer = try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db"))
        let requirers = ["demo/0", "demo/1"].map { unit in
            RequirerHarness(model: model, requirer: requirer, scope: .init(relationID: 5, relationName: "database", localUnit: unit, remoteApp: "pg", jujuVersion: juju))
        }
        let providers = ["pg/0", "pg/1"].map { unit in
            ProviderHarness(model: model, provider: DatabaseProvider(relationName: "database"), scope: .init(relationID: 5, relationName: "database", localUnit: unit, remoteApp: "demo", jujuVersion: juju)) { event, session throws(EngineError) in
                guard event.name == "database_requested" else { return }
                try session.setCredentials(username: "relation_id_5", password: "Zr8Pw0rdDriverLife0000000000000")
                try session.setEndpoints("pg-primary:5432")
                try session.setReadOnlyEndpoints("pg-replicas:5432")
                try session.setTLS("False")
                try session.setDatabase(event.string("database") ?? "")
            }
        }
        let driver = RelationLifeDriver(model: model, relationID: 5, requirerUnits: requirers, providerUnits: providers)
        let fired = await driver.integrate()
        #expect(fired.allSatisfy { $0.error == nil }, "\(fired)")
        // Juju's order: created everywhere first, then joined before changed for each remote unit.
        #expect(fired.prefix(4).map(\.hook) == Array(repeating: "relation-created", count: 4))
        let firstJoined = try #require(fired.firstIndex { $0.hook.hasPrefix("relation-joined") })
        let firstChanged = try #require(fired.firstIndex { $0.hook.hasPrefix("relation-changed") })
        #expect(firstJoined < firstChanged)
        let created = fired.filter { $0.events.contains("database_created") }.map(\.unit).sorted()
        #expect(created == ["demo/0", "demo/1"])
        let requested = fired.filter { $0.events.contains("database_requested") }.map(\.unit)
        #expect(requested == ["pg/1"], "only the provider leader answers")
        let relation = try #require(model.relation(5))
        #expect(DatabagValidator().validate(relation.appBags["pg"]!, as: .providerApp).isEmpty)
        #expect(DatabagValidator().validate(relation.appBags["demo"]!, as: .requirerApp).isEmpty)
        #expect(relation.unitBags["demo/1"]?["data"] != nil, "the follower keeps its own snapshot")
        if juju.hasSecrets {
            #expect(relation.appBags["pg"]?["password"] == nil)
            #expect(relation.appBags["pg"]?["secret-user"] != nil)
        } else {
            #expect(relation.appBags["pg"]?["password"] == "Zr8Pw0rdDriverLife0000000000000")
        }
        // Nothing left to react to.
        #expect(await driver.settle().isEmpty)
        let ending = await driver.remove()
        #expect(ending.allSatisfy { $0.error == nil && $0.events.isEmpty }, "\(ending)")
        #expect(ending.suffix(4).map(\.hook) == Array(repeating: "relation-broken", count: 4))
        #expect(model.relation(5) == nil)
    }
}
