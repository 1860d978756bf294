import Foundation
import PostgresNIO
import PostgreSQLClientPostgres
import PostgreSQLClientTestKit
import Testing

/// Starts one ``ThrowawayPostgres`` for the suite it is put on, hands it to the suite's tests
/// through a task-local, and stops it when the suite is over, whatever happened in it.
///
/// When the server cannot start (PostgreSQL not installed, ...), the error is kept and every
/// test that asks for the server fails with it: these tests never skip.
struct ThrowawayPostgresTrait: SuiteTrait, TestScoping {
    @TaskLocal static var current: Result<ThrowawayPostgres, ThrowawayPostgresError>?

    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let clock = ContinuousClock()
        let began = clock.now
        let result: Result<ThrowawayPostgres, ThrowawayPostgresError>
        do {
            let server = try await ThrowawayPostgres.start()
            print("ThrowawayPostgres: PostgreSQL \(server.serverVersion) on \(server.host):\(server.port), started in \(server.startupDuration)")
            result = .success(server)
        } catch let error as ThrowawayPostgresError {
            result = .failure(error)
        } catch {
            result = .failure(ThrowawayPostgresError("\(error)"))
        }
        defer {
            if case .success(let server) = result {
                server.stop()
                print("ThrowawayPostgres: suite \(test.name) ran \(clock.now - began) with its server (start and stop included)")
            }
        }
        try await Self.$current.withValue(result) {
            try await function()
        }
    }
}

extension Trait where Self == ThrowawayPostgresTrait {
    /// One throw-away PostgreSQL server for the whole suite.
    static var throwawayPostgres: Self { Self() }
}

/// The suite's server, or the reason it could not start (the test then fails with it).
func server() throws -> ThrowawayPostgres {
    guard let current = ThrowawayPostgresTrait.current else {
        throw ThrowawayPostgresError("no ThrowawayPostgres for this test: put the suite under .throwawayPostgres")
    }
    return try current.get()
}

/// The SQLSTATE of a server error, if `error` is one.
func sqlState(of error: any Error) -> String? {
    (error as? PSQLError)?.serverInfo?[.sqlState]
}

/// Runs an allocator operation and returns the error it threw, or nil.
func allocationError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> AllocationError? {
    do {
        try await body()
        return nil
    } catch let error as AllocationError {
        return error
    } catch {
        Issue.record("expected an AllocationError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Expects connecting as `user` to `database` to fail with a server error of SQLSTATE `state`.
func expectConnectionRefused(
    _ pg: ThrowawayPostgres, user: String, password: String, database: String, state: String,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    do {
        try await pg.withConnection(user: user, password: password, database: database) { conn async throws in
            _ = try await conn.query("SELECT 1", logger: quiet).collect()
        }
        Issue.record("\(user) could connect to \(database); expected SQLSTATE \(state)", sourceLocation: sourceLocation)
    } catch {
        #expect(sqlState(of: error) == state, "\(String(reflecting: error))", sourceLocation: sourceLocation)
    }
}

/// Strings of the first column.
func strings(_ conn: PostgresConnection, _ query: PostgresQuery) async throws -> [String] {
    try await conn.query(query, logger: quiet).collect().map { try $0.decode(String.self) }
}

func bool(_ conn: PostgresConnection, _ query: PostgresQuery) async throws -> Bool? {
    try await conn.query(query, logger: quiet).collect().first.map { try $0.decode(Bool.self) }
}

let quiet: Logger = {
    var logger = Logger(label: "PostgreSQLClientPostgresTests")
    logger.logLevel = .critical
    return logger
}()

/// Whether a role of that exact name exists.
func roleExists(_ pg: ThrowawayPostgres, _ name: String) async throws -> Bool {
    try await pg.withAdminConnection { conn async throws in
        try await bool(conn, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(name))") ?? false
    }
}

/// Whether a database of that exact name exists.
func databaseExists(_ pg: ThrowawayPostgres, _ name: String) async throws -> Bool {
    try await pg.withAdminConnection { conn async throws in
        try await bool(conn, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = \(name))") ?? false
    }
}
