import JujuHookTools
import PostgreSQLClient
import Synchronization

/// A fake `postgresql-k8s`: answers `postgresql_client` requests the way the real charm does
/// (revision described in `Specs/fake-provider.md`), through the provider engine, on an
/// ``InMemoryJuju`` model, with users and databases made by a ``DatabaseAllocator``.
///
/// It also scripts what happens to a real database over a relation's life: password rotation,
/// primary moves, replicas coming and going, TLS, upgrades, slow answers, revocation.
public final class FakeProvider: Sendable {
    /// How the fake database is deployed.
    public struct Configuration: Sendable, Hashable {
        public var app: String
        public var units: [String]
        public var leader: String
        public var relationName: String
        public var jujuVersion: JujuVersion
        public var primary: String
        public var replicas: [String]
        public var port: UInt16
        public var version: String
        /// `nil`: passwords from the system CSPRNG; a seed makes them reproducible.
        public var seed: UInt64?

        public init(
            app: String = "postgresql-k8s", units: [String]? = nil, relationName: String = "database",
            jujuVersion: JujuVersion = JujuVersion(major: 3, minor: 6, patch: 4),
            primary: String? = nil, replicas: [String] = [], port: UInt16 = 5432, version: String = "14.15",
            seed: UInt64? = nil
        ) {
            self.app = app
            self.units = units ?? ["\(app)/0"]
            self.leader = self.units[0]
            self.relationName = relationName
            self.jujuVersion = jujuVersion
            self.primary = primary ?? "\(app)-primary.dev.svc.cluster.local"
            self.replicas = replicas
            self.port = port
            self.version = version
            self.seed = seed
        }
    }

    struct Answer {
        var database: String
        var password: String
    }

    struct State {
        var config: Configuration
        var passwords: PasswordGenerator
        var tlsCA: String?
        var delay = 0
        var deferred: [Int: Int] = [:]  // relation id → hooks left before the answer
        var answered: [Int: Answer] = [:]
        var status: (WorkloadStatus, String) = (.active, "")
    }

    public let model: InMemoryJuju
    public let allocator: any DatabaseAllocator
    let state: Mutex<State>
    let provider: DatabaseProvider

    public init(model: InMemoryJuju, configuration: Configuration = .init(), allocator: any DatabaseAllocator = InMemoryAllocator()) {
        self.model = model
        self.allocator = allocator
        self.state = Mutex(State(config: configuration, passwords: PasswordGenerator(seed: configuration.seed)))
        self.provider = DatabaseProvider(relationName: configuration.relationName)
        model.setLeader(app: configuration.app, unit: configuration.leader)
    }

    public var configuration: Configuration { state.withLock { $0.config } }
    /// The leader unit's workload status, as the real charm would set it.
    public var status: (WorkloadStatus, String) { state.withLock { $0.status } }

    /// postgresql-k8s's user name for a relation.
    public static func user(forRelation id: Int) -> String { "relation_id_\(id)" }

    func scope(_ relationID: Int, unit: String) -> RelationHookRunner.Scope? {
        guard let relation = model.relation(relationID) else { return nil }
        let config = configuration
        return RelationHookRunner.Scope(
            relationID: relationID, relationName: config.relationName, localUnit: unit,
            remoteApp: relation.apps.first { $0 != config.app }, jujuVersion: config.jujuVersion)
    }

    /// The ``RelationUnit`` for one of the fake database's units on a relation, for a
    /// ``RelationLifeDriver``.
    public func unit(_ name: String, relationID: Int) -> FakeProviderUnit { FakeProviderUnit(provider: self, unit: name, relationID: relationID) }

    /// Every unit of the fake database on a relation.
    public func units(relationID: Int) -> [FakeProviderUnit] { configuration.units.map { unit($0, relationID: relationID) } }

    /// Runs one hook on one unit, as the real charm's handlers would.
    public func run(_ hook: RelationHook, relationID: Int, unit: String) async -> HookResult {
        let recorder = HookRecorder(model, relationID: relationID)
        var events: [LibraryEvent] = []
        var failure: EngineError?
        do {
            guard let scope = scope(relationID, unit: unit) else {
                throw EngineError(code: "HOOK-TOOL-FAILED", message: "relation \(relationID) not found")
            }
            let runner = RelationHookRunner(tools: model.tools(for: unit))
            let context = try Self.read(runner, scope)
            let output = try provider.handle(hook, context: context)
            events = output.events
            var session = provider.session(context: context, output: output, secrets: runner.secretReader)
            let isLeader = context.isLeader
            var answer = false
            if isLeader {
                let requested = output.events.contains { $0.name == "database_requested" }
                answer = state.withLock { s -> Bool in
                    if requested, s.delay > 0 {
                        // Deferred, as the real charm defers while its cluster is not ready.
                        s.deferred[relationID] = s.delay
                        s.delay = 0
                        return false
                    }
                    if let remaining = s.deferred[relationID], !requested {
                        if remaining <= 1 {
                            s.deferred.removeValue(forKey: relationID)
                            return true
                        }
                        s.deferred[relationID] = remaining - 1
                        return false
                    }
                    return requested
                }
            }
            if answer {
                try await answerRequest(context: context, session: &session, tools: runner.tools)
            }
            if case .broken = hook, isLeader {
                do {
                    try await allocator.revoke(user: Self.user(forRelation: relationID))
                } catch {
                    throw EngineError(code: "ALLOCATION-FAILED", message: error.description)
                }
                state.withLock { _ = $0.answered.removeValue(forKey: relationID) }
            }
            _ = try runner.apply(session.output, context: context)
        } catch {
            failure = HookRecorder.failure(error)
        }
        return recorder.result(events: events, error: failure)
    }

    static func read(_ runner: RelationHookRunner, _ scope: RelationHookRunner.Scope) throws(EngineError) -> RelationContext {
        do {
            return try runner.context(scope)
        } catch {
            throw EngineError(code: "HOOK-TOOL-FAILED", message: error.description)
        }
    }

    /// The access groups postgresql-k8s strips from `extra-user-roles`.
    static let accessGroups: Set<String> = ["identity_access", "internal_access", "relation_access"]

    func block(_ message: String, tools: any HookTools) {
        state.withLock { $0.status = (.blocked, message) }
        try? tools.statusSet(.blocked, message: message, application: false)
    }

    /// What postgresql-k8s does on database_requested: validate, create the user and the
    /// database, then share credentials, endpoints, URIs, TLS, version and database.
    func answerRequest(context: RelationContext, session: inout ProviderSession, tools: any HookTools) async throws(EngineError) {
        let request = context.remoteAppBag
        let relationID = context.relationID
        guard let databaseText = request["database"] else { return }
        let requested: DatabaseRequest
        do {
            requested = try DatabaseRequest(parsing: databaseText)
        } catch {
            block("Failed to initialize \(configuration.relationName) relation", tools: tools)
            return
        }
        var roles = (request["extra-user-roles"] ?? "").split(separator: ",").map { $0.lowercased() }.filter { !$0.isEmpty && !Self.accessGroups.contains($0) }
        // relation_access is added; like the charm library, it is skipped when the server lacks it.
        do {
            if try await allocator.existingRoles().contains("relation_access") { roles.append("relation_access") }
        } catch {
            throw EngineError(code: "ALLOCATION-FAILED", message: error.description)
        }
        let user = Self.user(forRelation: relationID)
        let password = state.withLock { $0.passwords.next() }
        let config = configuration
        var databases: [String] = []
        switch requested {
        case .name(let name): databases = [name]
        case .prefix(let stem):
            do { databases = try await allocator.databases(withPrefix: stem) } catch {
                throw EngineError(code: "ALLOCATION-FAILED", message: error.description)
            }
            if databases.isEmpty {
                block("no database matches \(databaseText)", tools: tools)
                return
            }
        }
        do {
            for database in databases {
                try await allocator.allocate(AllocationRequest(relationID: relationID, user: user, password: password, database: database, extraRoles: roles))
            }
        } catch let error where error.code == .invalidRole || error.code == .invalidName {
            block(error.code == .invalidRole ? "invalid role(s) for extra user roles" : "Failed to initialize \(config.relationName) relation", tools: tools)
            return
        } catch {
            throw EngineError(code: "ALLOCATION-FAILED", message: error.description)
        }
        let database = databases.count == 1 && requested == .name(databases[0]) ? databases[0] : databaseText
        let primary = "\(config.primary):\(config.port)"
        try session.setCredentials(username: user, password: password)
        try session.setEndpoints(primary)
        try session.setURIs(PostgresURI(user: user, password: password, hosts: [.init(host: config.primary, port: config.port)], database: databases[0]).string)
        let ca = state.withLock { $0.tlsCA }
        try session.setTLS(ca == nil ? "False" : "True")
        if let ca { try session.setTLSCA(ca) }
        try writeReadOnly(session: &session, user: user, password: password, database: databases[0], config: config)
        try session.setVersion(config.version)
        try session.setDatabase(database)
        if case .prefix = requested { try session.setPrefixDatabases(databases) }
        state.withLock {
            $0.answered[relationID] = Answer(database: databases[0], password: password)
            $0.status = (.active, "")
        }
        try? tools.statusSet(.active, message: "", application: false)
    }

    func writeReadOnly(session: inout ProviderSession, user: String, password: String, database: String, config: Configuration) throws(EngineError) {
        let hosts = config.replicas.isEmpty ? [config.primary] : config.replicas
        try session.setReadOnlyEndpoints(hosts.map { "\($0):\(config.port)" }.joined(separator: ","))
        let requested = (try? JujuJSONStringList(session.context.remoteAppBag["requested-secrets"])) ?? []
        if requested.contains("read-only-uris") {
            try session.setReadOnlyURIs(PostgresURI(user: user, password: password, hosts: hosts.map { .init(host: $0, port: config.port) }, database: database).string)
        }
    }
}

extension FakeProvider {
    /// Delays the answer to the next request by `hooks` hooks on its relation (the real charm
    /// defers `database_requested` while its cluster is not ready).
    public func delayNextAnswer(hooks: Int) { state.withLock { $0.delay = hooks } }

    /// The relations answered so far.
    public var answeredRelations: [Int] { state.withLock { $0.answered.keys.sorted() } }

    /// Runs `body` as the leader outside any relation hook (a config-changed or peer event)
    /// on every answered relation, and applies what it writes.
    func update(_ relations: [Int]? = nil, _ body: (inout ProviderSession, Int, Answer) throws(EngineError) -> Void) throws(EngineError) {
        let config = configuration
        let targets = state.withLock { s in (relations ?? Array(s.answered.keys)).sorted().compactMap { id in s.answered[id].map { (id, $0) } } }
        for (relationID, answer) in targets {
            guard let scope = scope(relationID, unit: config.leader) else { continue }
            let runner = RelationHookRunner(tools: model.tools(for: config.leader))
            let context = try Self.read(runner, scope)
            var session = provider.session(context: context, output: EngineOutput(), secrets: runner.secretReader)
            try body(&session, relationID, answer)
            _ = try runner.apply(session.output, context: context)
        }
    }

    /// Gives a relation's user a new password and shares it (credentials and URIs).
    @discardableResult
    public func rotatePassword(relationID: Int) async throws(EngineError) -> String {
        let password = state.withLock { $0.passwords.next() }
        let user = Self.user(forRelation: relationID)
        do {
            try await allocator.rotatePassword(user: user, password: password)
        } catch {
            throw EngineError(code: "ALLOCATION-FAILED", message: error.description)
        }
        state.withLock { $0.answered[relationID]?.password = password }
        let config = configuration
        try update([relationID]) { session, _, answer throws(EngineError) in
            try session.setCredentials(username: user, password: password)
            try session.setURIs(PostgresURI(user: user, password: password, hosts: [.init(host: config.primary, port: config.port)], database: answer.database).string)
            try writeReadOnly(session: &session, user: user, password: password, database: answer.database, config: config)
        }
        return password
    }

    /// The primary moved: every relation gets the new endpoints and URIs.
    public func movePrimary(to host: String) throws(EngineError) {
        state.withLock { $0.config.primary = host }
        let config = configuration
        try update { session, relationID, answer throws(EngineError) in
            let user = Self.user(forRelation: relationID)
            try session.setEndpoints("\(host):\(config.port)")
            try session.setURIs(PostgresURI(user: user, password: answer.password, hosts: [.init(host: host, port: config.port)], database: answer.database).string)
        }
    }

    /// A replica joined: read-only endpoints change on every relation.
    public func addReplica(_ host: String) throws(EngineError) {
        state.withLock { $0.config.replicas.append(host) }
        try refreshReadOnly()
    }

    /// A replica left.
    public func removeReplica(_ host: String) throws(EngineError) {
        state.withLock { $0.config.replicas.removeAll { $0 == host } }
        try refreshReadOnly()
    }

    func refreshReadOnly() throws(EngineError) {
        let config = configuration
        try update { session, relationID, answer throws(EngineError) in
            try writeReadOnly(session: &session, user: Self.user(forRelation: relationID), password: answer.password, database: answer.database, config: config)
        }
    }

    /// TLS turned on: `tls` becomes `True` and the CA is shared.
    public func enableTLS(ca: String) throws(EngineError) {
        state.withLock { $0.tlsCA = ca }
        try update { session, _, _ throws(EngineError) in
            try session.setTLS("True")
            try session.setTLSCA(ca)
        }
    }

    /// The database was upgraded.
    public func upgrade(to version: String) throws(EngineError) {
        state.withLock { $0.config.version = version }
        try update { session, _, _ throws(EngineError) in try session.setVersion(version) }
    }
}

/// One unit of a ``FakeProvider`` on one relation.
public struct FakeProviderUnit: RelationUnit {
    public let provider: FakeProvider
    public let unit: String
    public let relationID: Int
    public var unitName: String { unit }
    public func run(_ hook: RelationHook) async -> HookResult {
        await provider.run(hook, relationID: relationID, unit: unit)
    }
}

import JujuJSON

func JujuJSONStringList(_ text: String?) throws -> [String] {
    guard let text else { return [] }
    return try JSONParser().parse(text).stringArray ?? []
}
