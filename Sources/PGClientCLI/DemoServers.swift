/// Starts the demo's PostgreSQL server (a throw-away PostgreSQL 15, see `PostgresDemoServer`).
enum DemoServers {
    static func start() async throws -> any DemoServer {
        try await startPostgres()
    }
}
