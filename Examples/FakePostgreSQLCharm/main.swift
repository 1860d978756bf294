// fake-postgresql-charm: a provider charm binary that answers postgresql_client requests on the
// wire as postgresql-k8s does (user relation_id_<id>, a 16-character CSPRNG password, endpoints,
// uris, tls, version, database; Juju secrets when the requirer asks for them), without a
// database behind it. For interop tests with requirer charms written in other languages.
#if canImport(Glibc)
import Glibc
#endif
import JujuHookTools
import PostgreSQLClient
import PostgreSQLClientTestKit

let environment = HookDispatch.processEnvironment()
let primary = environment["FAKE_PG_PRIMARY"] ?? "postgresql-k8s-primary.dev.svc.cluster.local"
let tools = ProcessHookTools()

func fail(_ message: String) -> Never {
    try? tools.log(.error, message)
    HookDispatch.printError(message)
    exit(1)
}

let hook: HookEnvironment
do {
    hook = try HookEnvironment(environment)
} catch {
    HookDispatch.printError("fake-postgresql-charm: bad hook environment: \(error)")
    exit(1)
}
guard let relationHook = HookDispatch.relationHook(hook, endpoint: "database") else {
    let known: Set<String> = ["install", "start", "stop", "remove", "config-changed", "upgrade-charm", "update-status", "leader-elected", "leader-settings-changed", "secret-changed", "secret-rotate", "collect-metrics"]
    if known.contains(hook.hookName) { exit(0) }
    fail("fake-postgresql-charm: unknown hook \(hook.hookName)")
}
guard let relationID = hook.relationID else { fail("fake-postgresql-charm: JUJU_RELATION_ID is not set for \(hook.hookName)") }

let scope = RelationHookRunner.Scope(relationID: relationID, relationName: "database", localUnit: hook.unitName, remoteApp: hook.remoteApp, jujuVersion: hook.version)
do {
    var generator = PasswordGenerator()
    _ = try RelationHookRunner(tools: tools).runProvider(DatabaseProvider(relationName: "database"), hook: relationHook, scope: scope) { event, session throws(EngineError) in
        guard event.name == "database_requested", let database = event.string("database") else { return }
        let user = "relation_id_\(relationID)"
        let password = generator.next()
        try session.setCredentials(username: user, password: password)
        try session.setEndpoints("\(primary):5432")
        try session.setURIs(PostgresURI(user: user, password: password, hosts: [.init(host: primary, port: 5432)], database: database).string)
        try session.setTLS("False")
        try session.setReadOnlyEndpoints("\(primary):5432")
        try session.setVersion("14.15")
        try session.setDatabase(database)
    }
    try? tools.statusSet(.active, message: "", application: false)
} catch {
    fail("fake-postgresql-charm: \(hook.hookName) failed: \(error)")
}
