import DemoAPICharm
import JujuHookTools
import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit
import Synchronization

/// Replays the "Validate your charm" part of Juju's tutorial "Integrate your charm with
/// PostgreSQL": deploy demo-api-charm and postgresql-k8s, integrate them, look at
/// `juju status --relations` and at what the charm handed to Pebble, use the database, remove the
/// relation. Runs on the in-memory Juju model with the fake postgresql-k8s; with a
/// ``DemoDatabase`` the fake creates real roles and databases and the demo uses them.
public final class TutorialDemo: Sendable {
    /// A real database server the demo can use (see `PostgresDemoDatabase`).
    public protocol DemoDatabase: Sendable {
        var allocator: any DatabaseAllocator { get }
        var host: String { get }
        var port: UInt16 { get }
        /// Runs `sql` as `user` on `database` and returns the rows as text.
        func query(user: String, password: String, database: String, sql: String, parameters: [String]) async throws -> [[String]]
    }

    struct CharmState {
        var status: (WorkloadStatus, String) = (.waiting, DemoAPICharm.waitingMessage)
        var layer: PebbleLayer?
        var environment: [String: String] = [:]
    }

    let model = InMemoryJuju()
    let charm = DemoAPICharm()
    final class CharmBox: Sendable { let state = Mutex(CharmState()) }
    let charmBox = CharmBox()

    let lines = Mutex<[String]>([])
    let jujuVersion: JujuVersion
    let database: (any DemoDatabase)?
    let passwordSeed: UInt64?

    /// `passwordSeed` makes the fake provider's passwords reproducible (``PasswordGenerator``),
    /// so a test can look for them in the output without the demo printing them; `nil` (the
    /// default) draws them from the system CSPRNG.
    public init(jujuVersion: JujuVersion = JujuVersion(major: 3, minor: 6, patch: 4), database: (any DemoDatabase)? = nil, passwordSeed: UInt64? = nil) {
        self.jujuVersion = jujuVersion
        self.database = database
        self.passwordSeed = passwordSeed
    }

    func say(_ text: String = "") { lines.withLock { $0.append(text) } }

    /// The transcript so far.
    public var transcript: [String] { lines.withLock { $0 } }

    /// What the demo found, for `--json`.
    public struct Summary: Sendable, Hashable {
        public var environmentKeys: [String]
        public var namesReadBack: [String]
        public var otherRelationDenied: Bool?
        public var statusAfterIntegrate: String
        public var statusAfterRemove: String
        public var usedPostgreSQL: Bool
    }

    /// Runs the whole tutorial. Throws with a message that says what to do.
    public func run() async throws -> Summary {
        let relationID = 1
        let provider = FakeProvider(
            model: model,
            configuration: .init(jujuVersion: jujuVersion, primary: database?.host, port: database?.port ?? 5432, version: "14.15", seed: passwordSeed),
            allocator: database?.allocator ?? InMemoryAllocator())
        say("pgclient demo: replaying \"Integrate your charm with PostgreSQL\" on an in-memory Juju \(jujuVersion) model, \(database == nil ? "with the in-memory fake postgresql-k8s" : "with the fake postgresql-k8s on a real PostgreSQL 15 server")")
        say()

        say("[1/7] juju deploy ./demo-api-charm_ubuntu-22.04-amd64.charm --resource demo-server-image=ghcr.io/canonical/api_demo_server:1.0.1")
        say("      juju deploy postgresql-k8s --channel 14/stable --trust")
        model.setLeader(app: DemoAPICharm.appName, unit: "\(DemoAPICharm.appName)/0")
        say()
        say("[2/7] juju status")
        statusTable(relations: false, provider: provider)

        say()
        say("[3/7] juju integrate postgresql-k8s \(DemoAPICharm.appName)")
        model.addRelation(.init(
            id: relationID, endpoints: [DemoAPICharm.appName: DemoAPICharm.relationName, "postgresql-k8s": "database"],
            apps: [DemoAPICharm.appName, "postgresql-k8s"],
            units: [DemoAPICharm.appName: ["\(DemoAPICharm.appName)/0"], "postgresql-k8s": ["postgresql-k8s/0"]],
            appBags: [DemoAPICharm.appName: [:], "postgresql-k8s": [:]],
            unitBags: ["\(DemoAPICharm.appName)/0": [:], "postgresql-k8s/0": [:]]))
        let requirer = try DemoAPICharm.requirer()
        let scope = RelationHookRunner.Scope(relationID: relationID, relationName: DemoAPICharm.relationName, localUnit: "\(DemoAPICharm.appName)/0", remoteApp: "postgresql-k8s", jujuVersion: jujuVersion)
        let charm = self.charm
        let box = self.charmBox
        let harness = RequirerHarness(model: model, requirer: requirer, scope: scope) { event, tools in
            guard event.name == "database_created" || event.name == "endpoints_changed" else { return }
            let runner = RelationHookRunner(tools: tools)
            let credentials = try requirer.credentials(try runner.context(scope), secrets: runner.secretReader)
            let outcome = charm.outcome(credentials: credentials)
            try tools.statusSet(outcome.status, message: outcome.message, application: false)
            box.state.withLock {
                $0.status = (outcome.status, outcome.message)
                $0.layer = outcome.layer
                $0.environment = credentials.map(DemoAPICharm.environment) ?? [:]
            }
        }
        let driver = RelationLifeDriver(model: model, relationID: relationID, requirerUnits: [harness], providerUnits: provider.units(relationID: relationID))
        for hook in await driver.integrate() {
            say("      \(hook)")
            if let error = hook.error { throw DemoError("the \(hook.hook) hook of \(hook.unit) failed with \(error)") }
        }
        say()
        say("[4/7] juju status --relations")
        statusTable(relations: true, provider: provider)
        let afterIntegrate = charmBox.state.withLock { $0.status }

        say()
        say("[5/7] what \(DemoAPICharm.appName) handed to Pebble (container \(DemoAPICharm.containerName), passwords masked)")
        let (layer, environment) = charmBox.state.withLock { ($0.layer, $0.environment) }
        guard let layer else { throw DemoError("demo-api-charm did not get database credentials: \(afterIntegrate.1)") }
        for key in environment.keys.sorted() {
            say("      \(key)=\(key.contains("PASSWORD") ? "********" : environment[key]!)")
        }
        say("      layer: \(layer.json(masked: true))")

        var names: [String] = []
        var denied: Bool?
        say()
        say("[6/7] the workload uses the database with those credentials (the tutorial's curl calls)")
        if let database {
            let user = environment["DEMO_SERVER_DB_USER"]!
            let password = environment["DEMO_SERVER_DB_PASSWORD"]!
            _ = try await database.query(user: user, password: password, database: DemoAPICharm.databaseName, sql: "CREATE TABLE IF NOT EXISTS names (id SERIAL PRIMARY KEY, name TEXT NOT NULL)", parameters: [])
            say("      CREATE TABLE names: ok (as \(user))")
            for name in ["maria", "ahmed", "léa"] {
                _ = try await database.query(user: user, password: password, database: DemoAPICharm.databaseName, sql: "INSERT INTO names (name) VALUES ($1)", parameters: [name])
                say("      curl -X POST 'http://10.1.157.90:8000/addname/?name=\(name)' → inserted")
            }
            names = try await database.query(user: user, password: password, database: DemoAPICharm.databaseName, sql: "SELECT name FROM names ORDER BY id", parameters: []).map { $0.first ?? "" }
            say("      curl http://10.1.157.90:8000/names → \(JSONValue.array(names.map(JSONValue.string)).serialized())")
            denied = try await otherRelationIsDenied(provider: provider, database: database)
        } else {
            say("      skipped: no PostgreSQL server (install postgresql, or pass --postgres to require one)")
        }

        say()
        say("[7/7] juju remove-relation \(DemoAPICharm.appName) postgresql-k8s")
        for hook in await driver.remove() {
            say("      \(hook)")
        }
        let broken = charm.outcome(credentials: nil, broken: true)
        try model.tools(for: "\(DemoAPICharm.appName)/0").statusSet(broken.status, message: broken.message, application: false)
        charmBox.state.withLock { $0.status = (broken.status, broken.message) }
        statusTable(relations: true, provider: provider)
        return Summary(
            environmentKeys: environment.keys.sorted(), namesReadBack: names, otherRelationDenied: denied,
            statusAfterIntegrate: "\(afterIntegrate.0.rawValue)", statusAfterRemove: "\(broken.status.rawValue): \(broken.message)",
            usedPostgreSQL: database != nil)
    }

    /// A second application with its own relation cannot read names_db.
    func otherRelationIsDenied(provider: FakeProvider, database: any DemoDatabase) async throws -> Bool {
        let id = 2
        let app = "other-app"
        model.addRelation(.init(id: id, endpoints: [app: "database", "postgresql-k8s": "database"], apps: [app, "postgresql-k8s"], units: [app: ["\(app)/0"], "postgresql-k8s": ["postgresql-k8s/0"]], appBags: [app: [:], "postgresql-k8s": [:]], unitBags: ["\(app)/0": [:], "postgresql-k8s/0": [:]]))
        model.setLeader(app: app, unit: "\(app)/0")
        let requirer = try DatabaseRequirer(.init(relationName: "database", databaseName: "other_db"))
        let scope = RelationHookRunner.Scope(relationID: id, relationName: "database", localUnit: "\(app)/0", remoteApp: "postgresql-k8s", jujuVersion: jujuVersion)
        let harness = RequirerHarness(model: model, requirer: requirer, scope: scope)
        let driver = RelationLifeDriver(model: model, relationID: id, requirerUnits: [harness], providerUnits: provider.units(relationID: id))
        _ = await driver.integrate()
        guard let credentials = try requirer.credentials(try harness.context(), secrets: harness.secrets) else {
            throw DemoError("other-app got no credentials")
        }
        do {
            _ = try await database.query(user: credentials.username, password: credentials.password, database: DemoAPICharm.databaseName, sql: "SELECT name FROM names", parameters: [])
            say("      other-app (\(credentials.username)) reading names_db: ALLOWED — isolation is broken")
            return false
        } catch {
            say("      other-app (\(credentials.username)) reading names_db: denied (\(Self.firstLine(error)))")
            return true
        }
    }

    static func firstLine(_ error: any Error) -> String {
        String(String(describing: error).split(separator: "\n").first ?? "")
    }

    func statusTable(relations: Bool, provider: FakeProvider) {
        let (status, message) = charmBox.state.withLock { $0.status }
        let relation = model.relation(1)
        let providerStatus = provider.status
        say("      Model     Controller  Cloud/Region  Version  SLA          Timestamp")
        say("      tutorial  memory      memory        \(pad(jujuVersion.description, 8)) unsupported  -")
        say()
        say("      App             Version  Status   Scale  Charm           Channel    Rev  Address      Exposed  Message")
        say("      demo-api-charm           \(pad(status.rawValue, 8)) 1      demo-api-charm             0    10.1.157.90  no       \(message)")
        say("      postgresql-k8s  14.15    \(pad(providerStatus.0.rawValue, 8)) 1      postgresql-k8s  14/stable  281  10.1.157.91  no       \(providerStatus.1)")
        say()
        say("      Unit               Workload  Agent  Address      Ports  Message")
        say("      demo-api-charm/0*  \(pad(status.rawValue, 9)) idle   10.1.157.90         \(message)")
        say("      postgresql-k8s/0*  \(pad(providerStatus.0.rawValue, 9)) idle   10.1.157.91         Primary")
        if relations {
            say()
            say("      Integration provider           Requirer                       Interface          Type     Message")
            if relation != nil {
                say("      postgresql-k8s:database        demo-api-charm:database        postgresql_client  regular")
            }
            say("      postgresql-k8s:database-peers  postgresql-k8s:database-peers  postgresql_peers   peer")
        }
    }

    func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

/// Why the demo stopped.
public struct DemoError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
