import PostgreSQLClientPostgres
import PostgreSQLClientTestKit
import PostgresNIO

/// The demo's database: a throw-away PostgreSQL 15 server with the real allocator.
struct PostgresDemoServer: DemoServer, TutorialDemo.DemoDatabase {
    let server: ThrowawayPostgres

    var database: any TutorialDemo.DemoDatabase { self }
    var allocator: any DatabaseAllocator { server.makeAllocator() }
    var host: String { server.host }
    var port: UInt16 { UInt16(server.port) }

    func query(user: String, password: String, database: String, sql: String, parameters: [String]) async throws -> [[String]] {
        do {
            return try await run(user: user, password: password, database: database, sql: sql, parameters: parameters)
        } catch let error as PSQLError {
            // The server's own words (never the connection's configuration, which holds the password).
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            throw DemoError("PostgreSQL: \(message)\(state)")
        }
    }

    func run(user: String, password: String, database: String, sql: String, parameters: [String]) async throws -> [[String]] {
        try await server.withConnection(user: user, password: password, database: database) { connection in
            var bindings = PostgresBindings()
            for parameter in parameters { bindings.append(parameter) }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: PostgresDemoServer.logger)
            var result: [[String]] = []
            for try await row in rows {
                var cells: [String] = []
                for cell in row { cells.append(((try? cell.decode(String?.self)) ?? nil) ?? "") }
                result.append(cells)
            }
            return result
        }
    }

    func stop() async { server.stop() }

    static var logger: Logger {
        var logger = Logger(label: "pgclient.demo")
        logger.logLevel = .critical
        return logger
    }
}

extension DemoServers {
    static func startPostgres() async throws -> any DemoServer {
        PostgresDemoServer(server: try await ThrowawayPostgres.start())
    }
}
