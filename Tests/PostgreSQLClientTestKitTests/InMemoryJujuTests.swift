import JujuHookTools
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

@Suite("In-memory Juju model: Juju's rules")
struct InMemoryJujuTests {
    static func model(leader: Bool = true) -> InMemoryJuju {
        let model = InMemoryJuju()
        model.addRelation(.init(
            id: 7, endpoints: ["demo": "database", "postgresql-k8s": "database"], interface: "postgresql_client",
            apps: ["demo", "postgresql-k8s"], units: ["demo": ["demo/0", "demo/1"], "postgresql-k8s": ["postgresql-k8s/0"]],
            appBags: ["demo": ["database": "names_db"], "postgresql-k8s": ["endpoints": "10.1.0.5:5432"]],
            unitBags: ["demo/0": [:], "demo/1": [:], "postgresql-k8s/0": ["state": "ready"]]))
        model.setLeader(app: "demo", unit: leader ? "demo/0" : "demo/1")
        model.setLeader(app: "postgresql-k8s", unit: "postgresql-k8s/0")
        return model
    }

    @Test("only the leader reads or writes its application bag (JUJU-APP-BAG-LEADER)")
    func appBagIsLeaderOnly() throws {
        let model = Self.model()
        let follower = model.tools(for: "demo/1")
        #expect(throws: HookToolError.self) { try follower.relationGet(relationID: 7, member: "demo", app: true) }
        do {
            try follower.relationSet(relationID: 7, app: true, changes: ["database": "other"])
            Issue.record("a follower wrote the app bag")
        } catch {
            #expect(error.code == .permissionDenied)
            #expect(error.message.hasPrefix("JUJU-APP-BAG-LEADER"))
        }
        #expect(model.relation(7)?.appBags["demo"] == ["database": "names_db"])
        let leader = model.tools(for: "demo/0")
        try leader.relationSet(relationID: 7, app: true, changes: ["extra-user-roles": "CREATEDB"])
        #expect(try leader.relationGet(relationID: 7, member: "demo", app: true)["extra-user-roles"] == "CREATEDB")
        // Anyone reads the remote application's bag.
        #expect(try follower.relationGet(relationID: 7, member: "postgresql-k8s", app: true)["endpoints"] == "10.1.0.5:5432")
    }

    @Test("relation-set writes only the unit's own bags, and \"\" deletes (JUJU-REMOTE-BAG-READ-ONLY, JUJU-VALUE-STRING)")
    func ownBagsOnly() throws {
        let model = Self.model()
        let tools = model.tools(for: "demo/0")
        try tools.relationSet(relationID: 7, app: false, changes: ["a": "1", "b": "2"])
        try tools.relationSet(relationID: 7, app: false, changes: ["a": ""])
        #expect(model.relation(7)?.unitBags["demo/0"] == ["b": "2"])
        #expect(model.relation(7)?.unitBags["postgresql-k8s/0"] == ["state": "ready"])
        #expect(model.relation(7)?.appBags["postgresql-k8s"] == ["endpoints": "10.1.0.5:5432"])
        #expect(throws: HookToolError.self) { try tools.relationSet(relationID: 7, app: false, changes: ["": "x"]) }
        #expect(throws: HookToolError.self) { try tools.relationGet(relationID: 99, member: "demo/0", app: false) }
    }

    @Test("relation-list shows the remote units in unit-number order")
    func relationList() throws {
        let model = Self.model()
        model.setUnitBag(relation: 7, unit: "postgresql-k8s/10", [:])
        model.setUnitBag(relation: 7, unit: "postgresql-k8s/2", [:])
        #expect(try model.tools(for: "demo/0").relationList(relationID: 7) == ["postgresql-k8s/0", "postgresql-k8s/2", "postgresql-k8s/10"])
        #expect(try model.tools(for: "demo/0").relationIDs(endpoint: "database") == [7])
    }

    @Test("secrets: owner, grant through the relation, consumer revisions with --refresh and --peek (JUJU-SECRET-ACCESS, JUJU-SECRET-OWNER-REFRESH)")
    func secrets() throws {
        let model = Self.model()
        let provider = model.tools(for: "postgresql-k8s/0")
        let requirer = model.tools(for: "demo/0")
        let uri = try provider.secretAdd(content: ["username": "relation_id_7", "password": "one"], label: "database.7.user.secret")
        #expect(uri.hasPrefix("secret:") && uri.count == 27)
        // Not granted yet.
        do {
            _ = try requirer.secretGet(id: uri, label: nil, refresh: false, peek: false)
            Issue.record("read a secret that was not granted")
        } catch {
            #expect(error.message.hasPrefix("JUJU-SECRET-ACCESS"))
        }
        try provider.secretGrant(id: uri, relationID: 7)
        #expect(try requirer.secretGet(id: uri, label: "database.7.user.secret", refresh: false, peek: false)["password"] == "one")
        try provider.secretSet(id: uri, content: ["username": "relation_id_7", "password": "two"])
        // The consumer keeps the revision it tracks until it refreshes; --peek shows the latest.
        #expect(try requirer.secretGet(id: uri, label: nil, refresh: false, peek: false)["password"] == "one")
        #expect(try requirer.secretGet(id: uri, label: nil, refresh: false, peek: true)["password"] == "two")
        #expect(try requirer.secretGet(id: nil, label: "database.7.user.secret", refresh: true, peek: false)["password"] == "two")
        // The owner reads the latest and cannot --refresh.
        #expect(try provider.secretGet(id: nil, label: "database.7.user.secret", refresh: false, peek: false)["password"] == "two")
        do {
            _ = try provider.secretGet(id: uri, label: nil, refresh: true, peek: false)
            Issue.record("owner refreshed")
        } catch {
            #expect(error.message.hasPrefix("JUJU-SECRET-OWNER-REFRESH"))
        }
        // Only the owner's leader changes it.
        #expect(throws: HookToolError.self) { try requirer.secretSet(id: uri, content: ["password": "three"]) }
        #expect(throws: HookToolError.self) { try model.tools(for: "demo/1").secretAdd(content: ["key": "value"], label: nil) }
        #expect(model.secret(uri)?.revisions.count == 2)
    }

    @Test("every call is recorded with the argv the real tool takes, and no secret value")
    func callLog() throws {
        let model = Self.model()
        let tools = model.tools(for: "demo/0")
        _ = try tools.isLeader()
        _ = try tools.relationGet(relationID: 7, member: "postgresql-k8s", app: true)
        try tools.relationSet(relationID: 7, app: false, changes: ["data": "{}"])
        _ = try tools.secretAdd(content: ["password": "hunter2hunter2"], label: "x")
        #expect(model.calls.map(\.argv) == [
            ["is-leader", "--format=json"],
            ["relation-get", "--format=json", "-r", "7", "--app", "-", "postgresql-k8s"],
            ["relation-set", "-r", "7", "--file", "-"],
            ["secret-add", "--owner", "application", "--label", "x", "password=<value>"],
        ])
        #expect(!model.calls.description.contains("hunter2"))
    }
}
