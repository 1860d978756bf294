/// Starts the demo's PostgreSQL server. Filled by the PostgreSQL product (see
/// `PostgresDemoServer`); until a server can be started the demo runs in memory.
enum DemoServers {
    static func start() async throws -> any DemoServer {
        throw DemoError("PostgreSQL support is not built into this pgclient")
    }
}
