import JujuHookTools
import PostgreSQLClient
import PostgreSQLClientTestKit
import Synchronization
import Testing

/// Exactly-once events under replays, failed hooks and leadership changes, on the in-memory
/// model (Specs/postgresql_client-v0.md, "Replays, failed hooks and leadership changes";
/// JUJU-HOOK-COMMIT).
/// Which units saw an event, shared with the charm handlers.
final class Seen: Sendable {
    let units = Mutex<[String]>([])
    func add(_ unit: String) { units.withLock { $0.append(unit) } }
    var all: [String] { units.withLock { $0 } }
}

@Suite("Exactly-once events: replay, crash, leadership (in memory)")
struct ExactlyOnceTests {
    static let password = "Zq8Lr3Vt6Nw1Kp4X"

    /// demo/0 (leader), demo/1 requirer units; pg/0 (leader), pg/1 provider units; relation 5.
    static func model() -> InMemoryJuju {
        let model = InMemoryJuju()
        model.addRelation(.init(
            id: 5, endpoints: ["demo": "database", "pg": "database"], interface: "postgresql_client",
            apps: ["demo", "pg"], units: ["demo": ["demo/0", "demo/1"], "pg": ["pg/0", "pg/1"]],
            appBags: ["demo": [:], "pg": [:]], unitBags: ["demo/0": [:], "demo/1": [:], "pg/0": [:], "pg/1": [:]]))
        model.setLeader(app: "demo", unit: "demo/0")
        model.setLeader(app: "pg", unit: "pg/0")
        return model
    }

    /// A requirer unit whose charm counts database_created and goes Active on it.
    static func requirer(_ model: InMemoryJuju, unit: String, version: String = "2.9.49",
                         created: Seen) throws -> RequirerHarness {
        RequirerHarness(
            model: model, requirer: try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db")),
            scope: .init(relationID: 5, relationName: "database", localUnit: unit, remoteApp: "pg",
                         jujuVersion: try JujuVersion(parsing: version))
        ) { event, tools in
            guard event.name == "database_created" else { return }
            created.add(unit)
            try tools.statusSet(.active, message: "", application: false)
        }
    }

    /// A provider unit whose charm answers each database_requested, counting them.
    static func provider(_ model: InMemoryJuju, unit: String, version: String = "2.9.49",
                         answered: Seen) throws -> ProviderHarness {
        ProviderHarness(
            model: model, provider: DatabaseProvider(relationName: "database"),
            scope: .init(relationID: 5, relationName: "database", localUnit: unit, remoteApp: "demo",
                         jujuVersion: try JujuVersion(parsing: version))
        ) { event, session throws(EngineError) in
            guard event.name == "database_requested" else { return }
            answered.add(unit)
            try session.setCredentials(username: "relation_id_5", password: Self.password)
            try session.setEndpoints("pg-primary:5432")
            try session.setDatabase(event.string("database") ?? "")
        }
    }

    /// Request (demo/0) and answer (pg/0), so the provider bag holds credentials.
    static func requestAndAnswer(_ model: InMemoryJuju, version: String = "2.9.49") throws {
        let none = Seen()
        #expect(try requirer(model, unit: "demo/0", version: version, created: none).run(.created).error == nil)
        #expect(try provider(model, unit: "pg/0", version: version, answered: none).run(.changed(remoteUnit: "demo/0")).error == nil)
    }

    @Test("the same relation-changed delivered twice emits database_created once, on both Juju modes", arguments: ["2.9.49", "3.6.4"])
    func requirerReplay(version: String) throws {
        let model = Self.model()
        try Self.requestAndAnswer(model, version: version)
        let created = Seen()
        let harness = try Self.requirer(model, unit: "demo/0", version: version, created: created)
        let first = harness.run(.changed(remoteUnit: "pg/0"))
        #expect(first.error == nil)
        #expect(first.events.map(\.name) == ["database_created"])
        let snapshot = first.unitBag("demo/0")["data"]
        let second = harness.run(.changed(remoteUnit: "pg/0"))
        #expect(second.error == nil)
        #expect(second.events.isEmpty)
        #expect(second.calls.allSatisfy { $0.argv.first != "relation-set" }, "a replay writes nothing")
        #expect(second.unitBag("demo/0")["data"] == snapshot)
        #expect(created.all == ["demo/0"])
    }

    @Test("the same request delivered twice emits database_requested once (one answer, one user)")
    func providerReplay() throws {
        let model = Self.model()
        let none = Seen()
        _ = try Self.requirer(model, unit: "demo/0", created: none).run(.created)
        let answered = Seen()
        let provider = try Self.provider(model, unit: "pg/0", answered: answered)
        #expect(provider.run(.changed(remoteUnit: "demo/0")).events.map(\.name) == ["database_requested"])
        let replay = provider.run(.changed(remoteUnit: "demo/0"))
        #expect(replay.events.isEmpty)
        #expect(replay.calls.allSatisfy { $0.argv.first != "relation-set" })
        #expect(answered.all == ["pg/0"])
    }

    @Test("a relation-set that fails leaves the snapshot as it was; the retried hook emits database_created, once")
    func failedWriteIsRetried() throws {
        let model = Self.model()
        try Self.requestAndAnswer(model)
        let created = Seen()
        let harness = try Self.requirer(model, unit: "demo/0", created: created)
        model.failNext("relation-set", unit: "demo/0")
        let crashed = harness.run(.changed(remoteUnit: "pg/0"))
        #expect(crashed.error != nil)
        #expect(crashed.unitBag("demo/0")["data"] == nil, "the snapshot of a failed hook must not stay")
        #expect(created.all.isEmpty, "the charm saw no event: the hook failed before it")
        #expect(model.status(of: "demo/0") == nil)
        let retried = harness.run(.changed(remoteUnit: "pg/0"))
        #expect(retried.error == nil)
        #expect(retried.events.map(\.name) == ["database_created"])
        #expect(model.status(of: "demo/0")?.0 == .active)
        #expect(harness.run(.changed(remoteUnit: "pg/0")).events.isEmpty)
        #expect(created.all == ["demo/0"])
    }

    @Test("a charm that fails after the snapshot was written (its status-set fails) gets database_created again on the retry (JUJU-HOOK-COMMIT)")
    func failedHandlerIsRetried() throws {
        let model = Self.model()
        try Self.requestAndAnswer(model, version: "3.6.4")
        let created = Seen()
        let harness = try Self.requirer(model, unit: "demo/0", version: "3.6.4", created: created)
        model.failNext("status-set", unit: "demo/0")
        let crashed = harness.run(.changed(remoteUnit: "pg/0"))
        #expect(crashed.error != nil)
        #expect(crashed.calls.contains { $0.argv.first == "relation-set" }, "the snapshot was written before the failure")
        #expect(crashed.unitBag("demo/0")["data"] == nil, "and discarded with the failed hook")
        let retried = harness.run(.changed(remoteUnit: "pg/0"))
        #expect(retried.events.map(\.name) == ["database_created"])
        #expect(model.status(of: "demo/0")?.0 == .active)
        #expect(created.all == ["demo/0", "demo/0"], "at least once: the failed run saw it, the retry again")
    }

    @Test("a provider whose secret-add fails answers nothing; the retry emits database_requested again and answers once")
    func providerCrashIsRetried() throws {
        let model = Self.model()
        let none = Seen()
        _ = try Self.requirer(model, unit: "demo/0", version: "3.6.4", created: none).run(.created)
        let answered = Seen()
        let provider = try Self.provider(model, unit: "pg/0", version: "3.6.4", answered: answered)
        model.failNext("secret-add", unit: "pg/0")
        let crashed = provider.run(.changed(remoteUnit: "demo/0"))
        #expect(crashed.error != nil)
        #expect(crashed.appBag("pg").isEmpty, "no snapshot, no endpoints, no secret-user after a failed hook")
        #expect(model.secrets.isEmpty, "no secret of a failed hook is left behind")
        let retried = provider.run(.changed(remoteUnit: "demo/0"))
        #expect(retried.events.map(\.name) == ["database_requested"])
        #expect(retried.appBag("pg")["secret-user"]?.hasPrefix("secret:") == true)
        #expect(model.secrets.count == 1)
        #expect(provider.run(.changed(remoteUnit: "demo/0")).events.isEmpty)
    }

    @Test("leadership moves on the requirer: a new leader without a snapshot emits for itself once; the old one emits nothing; the request is not rewritten")
    func requirerLeadershipChange() throws {
        let model = Self.model()
        try Self.requestAndAnswer(model)
        let created = Seen()
        let old = try Self.requirer(model, unit: "demo/0", created: created)
        #expect(old.run(.changed(remoteUnit: "pg/0")).events.map(\.name) == ["database_created"])
        let request = model.relation(5)?.appBags["demo"]
        model.setLeader(app: "demo", unit: "demo/1")
        let new = try Self.requirer(model, unit: "demo/1", created: created)
        let elected = new.run(.leaderElected)
        #expect(elected.events.isEmpty)
        #expect(elected.calls.allSatisfy { $0.argv.first != "relation-set" })
        let first = new.run(.changed(remoteUnit: "pg/0"))
        #expect(first.events.map(\.name) == ["database_created"])
        #expect(first.appBag("demo") == request, "a new leader does not write the request again")
        #expect(new.run(.changed(remoteUnit: "pg/0")).events.isEmpty)
        #expect(old.run(.changed(remoteUnit: "pg/0")).events.isEmpty)
        #expect(created.all == ["demo/0", "demo/1"])
    }

    @Test("leadership moves on the provider: the new leader finds the snapshot in the application bag and does not answer again")
    func providerLeadershipChange() throws {
        let model = Self.model()
        let none = Seen()
        _ = try Self.requirer(model, unit: "demo/0", created: none).run(.created)
        let answered = Seen()
        #expect(try Self.provider(model, unit: "pg/0", answered: answered).run(.changed(remoteUnit: "demo/0")).error == nil)
        let bag = model.relation(5)?.appBags["pg"]
        model.setLeader(app: "pg", unit: "pg/1")
        let new = try Self.provider(model, unit: "pg/1", answered: answered)
        #expect(new.run(.leaderElected).events.isEmpty)
        let changed = new.run(.changed(remoteUnit: "demo/0"))
        #expect(changed.events.isEmpty)
        #expect(changed.appBag("pg") == bag)
        #expect(answered.all == ["pg/0"], "one answer, so one user, whoever leads")
    }

    @Test("a request the old provider leader never saw is answered by the new leader, once")
    func providerNewLeaderAnswersUnseenRequest() throws {
        let model = Self.model()
        let none = Seen()
        _ = try Self.requirer(model, unit: "demo/0", created: none).run(.created)
        model.setLeader(app: "pg", unit: "pg/1")
        let answered = Seen()
        // The old leader, no longer leader, ignores it (PROV-EVT-NONLEADER).
        #expect(try Self.provider(model, unit: "pg/0", answered: answered).run(.changed(remoteUnit: "demo/0")).events.isEmpty)
        let new = try Self.provider(model, unit: "pg/1", answered: answered)
        #expect(new.run(.changed(remoteUnit: "demo/0")).events.map(\.name) == ["database_requested"])
        #expect(new.run(.changed(remoteUnit: "demo/0")).events.isEmpty)
        #expect(answered.all == ["pg/1"])
    }
}
