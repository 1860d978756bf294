import PostgreSQLClientTestKit
import PostgresNIO

/// A ``DatabaseAllocator`` that creates real roles and databases on a PostgreSQL server, with
/// the statements postgresql-k8s issues (`lib/charms/postgresql_k8s/v0/postgresql.py`:
/// `create_user`, `create_database`, `delete_user`, `update_user_password`).
///
/// Each operation opens its own connection(s) as the administrator and closes them: allocation
/// happens on relation events, rarely, and some steps must run inside other databases.
///
/// Security:
/// - every identifier goes through ``SQLQuoting/quoteIdentifier(_:what:)`` (checked, then
///   `"`-quoted); every value in a query is a bind parameter;
/// - passwords are never sent in clear when they can be avoided: for ASCII passwords the
///   SCRAM-SHA-256 secret is computed here and only it is sent; other passwords go as an
///   escaped `E'...'` literal; either way inside a transaction with
///   `SET LOCAL log_statement = 'none'`, as the charm does, and
///   `SET LOCAL log_min_error_statement = 'panic'`, so that a failing password statement is not
///   written to the server log either;
/// - errors carry the server's SQLSTATE and message, never the statement text or a password;
/// - the connections log nothing (their logger is at `.critical`).
public struct PostgresAllocator: DatabaseAllocator {
    public let host: String
    public let port: Int
    public let adminUser: String
    let adminPassword: String?
    public let adminDatabase: String
    let tls: PostgresConnection.Configuration.TLS
    let connectTimeout: TimeAmount

    /// The privileges that become role attributes, as postgresql-k8s accepts them.
    public static let privileges: [String: String] = [
        "createdb": "CREATEDB",
        "createrole": "CREATEROLE",
        "superuser": "SUPERUSER",
    ]

    public init(
        host: String,
        port: Int = 5432,
        adminUser: String,
        adminPassword: String?,
        adminDatabase: String = "postgres",
        tls: PostgresConnection.Configuration.TLS = .disable,
        connectTimeout: TimeAmount = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.adminUser = adminUser
        self.adminPassword = adminPassword
        self.adminDatabase = adminDatabase
        self.tls = tls
        self.connectTimeout = connectTimeout
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "PostgreSQLClientPostgres.PostgresAllocator")
        logger.logLevel = .critical
        return logger
    }

    // MARK: DatabaseAllocator

    public func allocate(_ request: AllocationRequest) async throws(AllocationError) {
        let user = try SQLQuoting.quoteIdentifier(request.user, what: "user")
        let database = try SQLQuoting.quoteIdentifier(request.database, what: "database")
        let secret = try Self.passwordLiteral(request.password)

        // Split privileges (role attributes) from roles to grant; refuse unknown ones before
        // anything is created.
        var attributes: [String] = []
        var rolesToGrant: [String] = []
        let needsRoleLookup = request.extraRoles.contains { Self.privileges[$0] == nil }
        let existing: Set<String> = needsRoleLookup ? try await existingRoles() : []
        var unknown: [String] = []
        for role in request.extraRoles {
            if let attribute = Self.privileges[role] {
                if !attributes.contains(attribute) { attributes.append(attribute) }
            } else if existing.contains(role) {
                if !rolesToGrant.contains(role) { rolesToGrant.append(role) }
            } else {
                unknown.append(role)
            }
        }
        if !unknown.isEmpty {
            throw AllocationError(.invalidRole, "invalid role(s) for extra user roles: \(unknown.sorted().joined(separator: ", "))")
        }
        let quotedRoles = try rolesToGrant.map { role throws(AllocationError) in try SQLQuoting.quoteIdentifier(role, what: "role") }
        let attributeSQL = attributes.isEmpty ? "" : " " + attributes.joined(separator: " ")

        try await withAdminConnection(database: adminDatabase) { conn, logger in
            // Create or update the user, its password kept out of the server's statement log.
            let exists = try await Self.exists(
                "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = \(request.user)", on: conn, logger: logger)
            let verb = exists ? "ALTER ROLE" : "CREATE ROLE"
            try await Self.withQuietTransaction(conn, logger: logger) {
                try await conn.query(PostgresQuery(unsafeSQL: "\(verb) \(user) WITH LOGIN\(attributeSQL) ENCRYPTED PASSWORD \(secret)"), logger: logger)
            }
            for role in quotedRoles {
                try await conn.query(PostgresQuery(unsafeSQL: "GRANT \(role) TO \(user)"), logger: logger)
            }

            // Create the database if it does not exist; only the relation's user may connect.
            let databaseExists = try await Self.exists(
                "SELECT 1 FROM pg_catalog.pg_database WHERE datname = \(request.database)", on: conn, logger: logger)
            if !databaseExists {
                do {
                    try await conn.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)"), logger: logger)
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P04" {
                    // duplicate_database: created meanwhile by someone else; use it.
                }
            }
            try await conn.query(PostgresQuery(unsafeSQL: "REVOKE ALL PRIVILEGES ON DATABASE \(database) FROM PUBLIC"), logger: logger)
            try await conn.query(PostgresQuery(unsafeSQL: "GRANT ALL PRIVILEGES ON DATABASE \(database) TO \(user)"), logger: logger)
        }

        // In the database: let the user create tables in schema public (PostgreSQL 15 no longer
        // grants CREATE on it to PUBLIC).
        try await withAdminConnection(database: request.database) { conn, logger in
            let hasPublic = try await Self.exists(
                "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'public'", on: conn, logger: logger)
            if hasPublic {
                try await conn.query(PostgresQuery(unsafeSQL: "GRANT USAGE, CREATE ON SCHEMA public TO \(user)"), logger: logger)
            }
        }
    }

    public func rotatePassword(user: String, password: String) async throws(AllocationError) {
        let quotedUser = try SQLQuoting.quoteIdentifier(user, what: "user")
        let secret = try Self.passwordLiteral(password)
        try await withAdminConnection(database: adminDatabase) { conn, logger in
            let exists = try await Self.exists(
                "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = \(user)", on: conn, logger: logger)
            guard exists else { throw AllocationError(.unknownUser, "user \(user) does not exist") }
            try await Self.withQuietTransaction(conn, logger: logger) {
                try await conn.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(quotedUser) WITH ENCRYPTED PASSWORD \(secret)"), logger: logger)
            }
        }
    }

    public func revoke(user: String) async throws(AllocationError) {
        let quotedUser = try SQLQuoting.quoteIdentifier(user, what: "user")
        let quotedAdmin = try SQLQuoting.quoteIdentifier(adminUser, what: "administrator")
        guard user != adminUser else {
            throw AllocationError(.invalidName, "refusing to drop the administrator \(adminUser)")
        }
        // As the charm: an unknown user is nothing to do.
        let databases: [String]? = try await withAdminConnection(database: adminDatabase) { conn, logger in
            let exists = try await Self.exists(
                "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = \(user)", on: conn, logger: logger)
            guard exists else { return nil }
            return try await Self.strings(
                "SELECT datname::text FROM pg_catalog.pg_database WHERE NOT datistemplate AND datallowconn ORDER BY datname",
                on: conn, logger: logger)
        }
        guard let databases else { return }
        // What the user owns is given to the administrator, database by database; then its
        // remaining privileges go (DROP OWNED) and the role can be dropped. Databases stay.
        for database in databases {
            try await withAdminConnection(database: database) { conn, logger in
                try await conn.query(PostgresQuery(unsafeSQL: "REASSIGN OWNED BY \(quotedUser) TO \(quotedAdmin)"), logger: logger)
                try await conn.query(PostgresQuery(unsafeSQL: "DROP OWNED BY \(quotedUser)"), logger: logger)
            }
        }
        try await withAdminConnection(database: adminDatabase) { conn, logger in
            try await conn.query(PostgresQuery(unsafeSQL: "DROP ROLE \(quotedUser)"), logger: logger)
        }
    }

    public func databases(withPrefix prefix: String) async throws(AllocationError) -> [String] {
        // starts_with() compares bytes; LIKE would treat % and _ in the prefix as patterns.
        let names = try await withAdminConnection(database: adminDatabase) { conn, logger in
            try await Self.strings(
                "SELECT datname::text FROM pg_catalog.pg_database WHERE NOT datistemplate AND starts_with(datname::text, \(prefix))",
                on: conn, logger: logger)
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public func existingRoles() async throws(AllocationError) -> Set<String> {
        let names = try await withAdminConnection(database: adminDatabase) { conn, logger in
            try await Self.strings("SELECT rolname::text FROM pg_catalog.pg_roles", on: conn, logger: logger)
        }
        return Set(names)
    }

    // MARK: Helpers

    /// The SQL literal for `password`: its SCRAM-SHA-256 secret when it can be computed here,
    /// else the password as an escaped literal.
    static func passwordLiteral(_ password: String) throws(AllocationError) -> String {
        guard !password.isEmpty, !password.utf8.contains(0) else {
            throw AllocationError(.invalidPassword, "the password is empty or contains NUL")
        }
        let value: String
        if SCRAMVerifier.canComputeClientSide(password) {
            do {
                value = try SCRAMVerifier.make(password: password)
            } catch {
                throw AllocationError(.server, "could not compute the SCRAM-SHA-256 secret")
            }
        } else {
            value = password
        }
        guard let literal = SQLQuoting.quoteLiteral(value) else {
            throw AllocationError(.invalidPassword, "the password contains NUL")
        }
        return literal
    }

    func configuration(database: String) -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: adminUser, password: adminPassword, database: database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    /// Runs `body` on a fresh administrator connection to `database`, closes it, and turns any
    /// error into an ``AllocationError`` without statement text.
    @discardableResult
    func withAdminConnection<Result: Sendable>(
        database: String,
        _ body: (PostgresConnection, Logger) async throws -> Result
    ) async throws(AllocationError) -> Result {
        let logger = Self.quietLogger
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: configuration(database: database), id: 1, logger: logger)
        } catch {
            throw Self.allocationError(error, context: "could not connect to \(host):\(port) as \(adminUser) to database \(database)")
        }
        do {
            let result = try await body(connection, logger)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw Self.allocationError(error, context: "statement failed in database \(database)")
        }
    }

    /// `BEGIN; SET LOCAL log_statement = 'none'; SET LOCAL log_min_error_statement = 'panic';
    /// <body>; COMMIT`, or ROLLBACK on error.
    ///
    /// The second setting matters as much as the first: a statement that fails is written to
    /// the server log with its text at `log_min_error_statement` (ERROR by default), whatever
    /// `log_statement` says, and the text of a password statement holds the SCRAM secret or,
    /// for a non-ASCII password, the password itself.
    static func withQuietTransaction(
        _ conn: PostgresConnection,
        logger: Logger,
        _ body: () async throws -> Void
    ) async throws {
        try await conn.query("BEGIN", logger: logger)
        do {
            try await conn.query("SET LOCAL log_statement = 'none'", logger: logger)
            try await conn.query("SET LOCAL log_min_error_statement = 'panic'", logger: logger)
            try await body()
            try await conn.query("COMMIT", logger: logger)
        } catch {
            _ = try? await conn.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    static func exists(_ query: PostgresQuery, on conn: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await conn.query(query, logger: logger).collect()
        return !rows.isEmpty
    }

    static func strings(_ query: PostgresQuery, on conn: PostgresConnection, logger: Logger) async throws -> [String] {
        var result: [String] = []
        for row in try await conn.query(query, logger: logger).collect() {
            result.append(try row.decode(String.self))
        }
        return result
    }

    /// An ``AllocationError`` from any error: kept as is if it already is one; for a server
    /// error, its SQLSTATE and message (never `String(reflecting:)`, which holds the statement).
    static func allocationError(_ error: any Error, context: String) -> AllocationError {
        if let error = error as? AllocationError { return error }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? "?????"
                let message = info[.message] ?? "no message"
                return AllocationError(.server, "\(context): \(message) (SQLSTATE \(state))")
            }
            return AllocationError(.server, "\(context): \(error.code)")
        }
        return AllocationError(.server, "\(context): \(type(of: error))")
    }
}
