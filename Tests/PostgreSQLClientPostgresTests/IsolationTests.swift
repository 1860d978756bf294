import Foundation
import JujuHookTools
import PostgresNIO
import PostgreSQLClient
import PostgreSQLClientPostgres
import PostgreSQLClientTestKit
import Testing

/// What a relation's user can and cannot do on a real PostgreSQL 15, and what hostile requests
/// (database names, prefixes, `extra-user-roles`) reach: the fake postgresql-k8s answers them
/// through ``PostgresAllocator`` on one throw-away server.
///
/// `PostgresAllocatorTests` has the basics (connecting to another relation's database is
/// refused, hostile names given straight to the allocator are quoted); this suite goes through
/// the fake provider as a requirer would, checks privilege escalation, and reads the server's
/// statement log to see what reached SQL.
@Suite(.serialized, .throwawayPostgres)
struct IsolationTests {
    struct Relation {
        var user: String
        var password: String
        var database: String
    }

    /// A relation allocated straight through the allocator.
    func allocate(_ pg: ThrowawayPostgres, _ id: Int, database: String, roles: [String] = []) async throws -> Relation {
        var generator = PasswordGenerator()
        let request = AllocationRequest(relationID: id, user: "relation_id_\(id)", password: generator.next(), database: database, extraRoles: roles)
        try await pg.makeAllocator().allocate(request)
        return Relation(user: request.user, password: request.password, database: request.database)
    }

    /// Runs `sql` as `relation` on `database` (its own by default) and returns the SQLSTATE it failed
    /// with, or `nil` when it succeeded.
    func state(_ pg: ThrowawayPostgres, _ relation: Relation, database: String? = nil, _ sql: String) async -> String? {
        do {
            try await pg.withConnection(user: relation.user, password: relation.password, database: database ?? relation.database) { conn async throws in
                _ = try await conn.query(PostgresQuery(unsafeSQL: sql), logger: quiet).collect()
            }
            return nil
        } catch {
            return sqlState(of: error) ?? "not a server error: \(String(reflecting: error))"
        }
    }

    /// Every role, and who has SUPERUSER, CREATEROLE or CREATEDB.
    struct Roles: Equatable {
        var names: Set<String>
        var superusers: Set<String>
        var roleCreators: Set<String>
        var databaseCreators: Set<String>
    }

    func roles(_ pg: ThrowawayPostgres) async throws -> Roles {
        try await pg.withAdminConnection { conn async throws in
            Roles(
                names: Set(try await strings(conn, "SELECT rolname::text FROM pg_roles")),
                superusers: Set(try await strings(conn, "SELECT rolname::text FROM pg_roles WHERE rolsuper")),
                roleCreators: Set(try await strings(conn, "SELECT rolname::text FROM pg_roles WHERE rolcreaterole")),
                databaseCreators: Set(try await strings(conn, "SELECT rolname::text FROM pg_roles WHERE rolcreatedb")))
        }
    }

    /// The administrator alone is superuser and may create roles, `postgres` is still there, and
    /// no role exists but `before`'s and `added`.
    func expectNoEscalation(_ pg: ThrowawayPostgres, before: Roles, added: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let now = try await roles(pg)
        #expect(now.names == before.names.union(added), "roles now: \(now.names.subtracting(before.names).sorted())", sourceLocation: sourceLocation)
        #expect(now.superusers == [pg.adminUser], sourceLocation: sourceLocation)
        #expect(now.roleCreators == [pg.adminUser], sourceLocation: sourceLocation)
        #expect(now.databaseCreators == before.databaseCreators, sourceLocation: sourceLocation)
        #expect(try await databaseExists(pg, "postgres"), sourceLocation: sourceLocation)
        #expect(try await roleExists(pg, pg.adminUser), sourceLocation: sourceLocation)
    }

    /// From now on the administrator's sessions log every statement (the allocator opens a new
    /// session per operation); the log's length now, to read what comes after.
    func logStatements(_ pg: ThrowawayPostgres) async throws -> Int {
        try await pg.withAdminConnection { conn async throws in
            try await conn.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(try SQLQuoting.quoteIdentifier(pg.adminUser, what: "user")) SET log_statement = 'all'"), logger: quiet)
        }
        return serverLog(pg).utf8.count
    }

    func serverLog(_ pg: ThrowawayPostgres, from offset: Int = 0) -> String {
        let data = FileManager.default.contents(atPath: pg.logFile) ?? Data()
        return String(decoding: data.dropFirst(offset), as: UTF8.self)
    }

    /// The statements the server logged after `offset`: `LOG:  statement: ...` (simple
    /// protocol) and `LOG:  execute <name>: ...` (extended protocol, which PostgresNIO uses).
    func statements(_ pg: ThrowawayPostgres, from offset: Int) -> [String] {
        serverLog(pg, from: offset).components(separatedBy: "\n").compactMap { line in
            guard let log = line.range(of: "LOG:  ") else { return nil }
            let rest = line[log.upperBound...]
            guard rest.hasPrefix("statement: ") || rest.hasPrefix("execute "), let colon = rest.range(of: ": ") else { return nil }
            return String(rest[colon.upperBound...])
        }
    }

    // MARK: What a relation's user can do

    @Test("a relation's user reaches only its own database: the other relation's is refused (42501) and cannot be read from its own")
    func onlyItsOwnDatabase() async throws {
        let pg = try server()
        let a = try await allocate(pg, 201, database: "iso_a")
        let b = try await allocate(pg, 202, database: "iso_b")
        #expect(await state(pg, b, "CREATE TABLE secret_b (v text)") == nil)
        #expect(await state(pg, b, "INSERT INTO secret_b VALUES ('b only')") == nil)
        #expect(await state(pg, a, "CREATE TABLE mine (v text)") == nil)

        await expectConnectionRefused(pg, user: a.user, password: a.password, database: b.database, state: "42501")
        await expectConnectionRefused(pg, user: b.user, password: b.password, database: a.database, state: "42501")
        // From its own database: no cross-database references, and B's table is not there.
        #expect(await state(pg, a, "SELECT * FROM iso_b.public.secret_b") == "0A000")
        #expect(await state(pg, a, "SELECT * FROM public.secret_b") == "42P01")
        // A cannot give itself CONNECT on B's database (it does not own it).
        #expect(await state(pg, a, "GRANT CONNECT ON DATABASE iso_b TO relation_id_201") == "42501")
        // The maintenance database lets anyone connect (PostgreSQL's default), but nobody but
        // the administrator may create anything in it.
        #expect(await state(pg, a, database: "postgres", "CREATE TABLE planted (v text)") == "42501")
        await expectConnectionRefused(pg, user: a.user, password: a.password, database: "template0", state: "55000")
    }

    @Test("a relation's user cannot create roles or databases, read pg_authid, take another relation's role or raise its own attributes (all 42501)")
    func noEscalation() async throws {
        let pg = try server()
        let a = try await allocate(pg, 203, database: "iso_c")
        _ = try await allocate(pg, 204, database: "iso_d")
        let before = try await roles(pg)
        let attempts: [(String, String)] = [
            ("CREATE ROLE", "CREATE ROLE evil_203 LOGIN PASSWORD 'x'"),
            ("CREATE USER SUPERUSER", "CREATE USER evil_203b SUPERUSER"),
            ("read pg_authid", "SELECT rolname, rolpassword FROM pg_authid"),
            ("CREATE DATABASE", "CREATE DATABASE evil_db_203"),
            ("grant itself B's role", "GRANT relation_id_204 TO relation_id_203"),
            ("SET ROLE to B", "SET ROLE relation_id_204"),
            ("SET SESSION AUTHORIZATION", "SET SESSION AUTHORIZATION relation_id_204"),
            ("ALTER ROLE self SUPERUSER", "ALTER ROLE relation_id_203 SUPERUSER"),
            ("ALTER ROLE self CREATEROLE", "ALTER ROLE relation_id_203 CREATEROLE"),
            ("ALTER ROLE self CREATEDB", "ALTER ROLE relation_id_203 CREATEDB"),
            ("change B's password", "ALTER ROLE relation_id_204 PASSWORD 'taken'"),
            ("drop B", "DROP ROLE relation_id_204"),
            ("grant itself pg_read_all_data", "GRANT pg_read_all_data TO relation_id_203"),
            ("read a server file", "SELECT pg_read_file('postgresql.conf')"),
            ("run a program", "COPY (SELECT 1) TO PROGRAM 'true'"),
            ("ALTER SYSTEM", "ALTER SYSTEM SET log_statement = 'none'"),
            ("DROP DATABASE of B", "DROP DATABASE iso_d"),
        ]
        for (what, sql) in attempts {
            #expect(await state(pg, a, sql) == "42501", "\(what)")
        }
        try await expectNoEscalation(pg, before: before)
        try await pg.withAdminConnection { conn async throws in
            #expect(try await bool(conn, "SELECT pg_has_role('relation_id_203', 'relation_id_204', 'MEMBER')") == false)
        }
        #expect(try await databaseExists(pg, "iso_d"))
    }

    // MARK: Hostile requests through the fake provider

    /// A requirer application asking for `database` (and `extra-user-roles`) on relation `id`,
    /// under Juju 2.9 (credentials in plain text), answered by a fake postgresql-k8s on `pg`.
    struct Request {
        let model = InMemoryJuju()
        let fake: FakeProvider
        let id: Int

        init(_ pg: ThrowawayPostgres, id: Int, database: String, extraUserRoles: String? = nil) async {
            self.id = id
            fake = FakeProvider(
                model: model, configuration: .init(jujuVersion: JujuVersion(major: 2, minor: 9, patch: 49), primary: pg.host, port: UInt16(pg.port)),
                allocator: pg.makeAllocator())
            var bag: Databag = ["database": database]
            bag["extra-user-roles"] = extraUserRoles
            model.addRelation(.init(
                id: id, endpoints: ["hostile-app": "database", "postgresql-k8s": "database"], apps: ["hostile-app", "postgresql-k8s"],
                units: ["hostile-app": ["hostile-app/0"], "postgresql-k8s": ["postgresql-k8s/0"]],
                appBags: ["hostile-app": bag, "postgresql-k8s": [:]], unitBags: ["hostile-app/0": [:], "postgresql-k8s/0": [:]]))
        }

        /// The provider leader's relation-changed; the provider's bag after it.
        func answer() async -> (HookResult, Databag) {
            let result = await fake.run(.changed(remoteUnit: "hostile-app/0"), relationID: id, unit: "postgresql-k8s/0")
            return (result, result.appBag("postgresql-k8s"))
        }
    }

    @Test("hostile extra-user-roles are refused by name before any SQL: Blocked, no user, nothing in the statement log")
    func hostileExtraUserRoles() async throws {
        let pg = try server()
        let before = try await roles(pg)
        let offset = try await logStatements(pg)
        let payloads = [
            "superuser; DROP ROLE postgres",
            #"createdb" SUPERUSER --"#,
            "createdb,superuser; drop role postgres",
            "createdb\u{201D} superuser",  // a Unicode right double quote
            "createdb\u{FF02} superuser",  // a fullwidth quotation mark
            "createdb\u{0}superuser",
            "createdb\nsuperuser",
            String(repeating: "r", count: 70),
            "charmed_read'); DROP ROLE postgres; --",
            "pg_read_server_files\" superuser \"",
        ]
        for (index, payload) in payloads.enumerated() {
            let id = 300 + index
            let request = await Request(pg, id: id, database: "iso_roles_\(id)", extraUserRoles: payload)
            let (result, bag) = await request.answer()
            #expect(result.error == nil, "\(payload.debugDescription): \(String(describing: result.error))")
            #expect(request.fake.status == (.blocked, "invalid role(s) for extra user roles"), "\(payload.debugDescription): \(request.fake.status)")
            #expect(bag["username"] == nil && bag["password"] == nil, "\(payload.debugDescription)")
            #expect(try await roleExists(pg, "relation_id_\(id)") == false)
            #expect(try await databaseExists(pg, "iso_roles_\(id)") == false)
        }
        try await expectNoEscalation(pg, before: before)
        // Refused before any SQL: no logged statement carries any part of a payload.
        let logged = statements(pg, from: offset)
        #expect(!logged.isEmpty, "the statement log is empty: log_statement did not take effect")
        for statement in logged {
            for marker in ["DROP ROLE", "drop role", "\u{201D}", "\u{FF02}", "rrrrrrrr", "charmed_read", "pg_read_server_files", "relation_id_3"] {
                #expect(!statement.contains(marker), "logged: \(statement)")
            }
        }
    }

    @Test("an existing role with a hostile name is granted as one quoted identifier, and grants nothing else")
    func existingHostileRoleIsQuoted() async throws {
        let pg = try server()
        let hostile = #"x" superuser --"#  // lower case: the fake provider lower-cases extra-user-roles
        try await pg.withAdminConnection { conn async throws in
            try await conn.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(try SQLQuoting.quoteIdentifier(hostile, what: "role")) NOLOGIN"), logger: quiet)
        }
        let before = try await roles(pg)
        let offset = try await logStatements(pg)
        let request = await Request(pg, id: 320, database: "iso_granted", extraUserRoles: hostile)
        let (result, bag) = await request.answer()
        #expect(result.error == nil)
        #expect(request.fake.status.0 == .active, "\(request.fake.status)")
        #expect(bag["username"] == "relation_id_320")
        try await expectNoEscalation(pg, before: before, added: ["relation_id_320"])
        try await pg.withAdminConnection { conn async throws in
            #expect(try await bool(conn, "SELECT pg_has_role('relation_id_320', \(hostile), 'MEMBER')") == true)
            #expect(try await bool(conn, "SELECT rolsuper FROM pg_roles WHERE rolname = 'relation_id_320'") == false)
        }
        // In the log the name appears only quoted: "x"" superuser --".
        let grants = statements(pg, from: offset).filter { $0.hasPrefix("GRANT") && $0.contains("superuser") }
        #expect(grants == [#"GRANT "x"" superuser --" TO "relation_id_320""#], "\(grants)")
    }

    @Test("hostile database names: quoted whole or Blocked before any SQL; the server keeps postgres and gives nobody more rights")
    func hostileDatabaseNames() async throws {
        let pg = try server()
        let before = try await roles(pg)
        let offset = try await logStatements(pg)
        // Quoted as one identifier: created under exactly that name, nothing else happens.
        let quoted = [
            #"iso"; DROP DATABASE postgres; --"#,
            #"iso'; DROP ROLE postgres; --"#,
            "iso\u{201D}; DROP DATABASE postgres",
            #"iso\"; SELECT 1"#,
            "iso_" + String(repeating: "é", count: 29),  // 62 bytes
        ]
        var added: Set<String> = []
        for (index, name) in quoted.enumerated() {
            let id = 330 + index
            let request = await Request(pg, id: id, database: name)
            let (result, bag) = await request.answer()
            #expect(result.error == nil, "\(name): \(String(describing: result.error))")
            #expect(bag["database"] == name, "\(name)")
            #expect(try await databaseExists(pg, name), "\(name)")
            let user = try #require(bag["username"])
            let password = try #require(bag["password"])
            added.insert(user)
            let inside = try await pg.withConnection(user: user, password: password, database: name) { conn async throws in
                try await strings(conn, "SELECT current_database()::text")
            }
            #expect(inside == [name])
        }
        // Refused before any SQL.
        let refused = [
            "iso\u{0}x",
            "iso\nDROP DATABASE postgres",
            String(repeating: "d", count: 64),
            "iso_" + String(repeating: "é", count: 30),  // 64 bytes
            "",
            "iso*x*",
        ]
        for (index, name) in refused.enumerated() {
            let id = 340 + index
            let request = await Request(pg, id: id, database: name)
            let (result, bag) = await request.answer()
            #expect(result.error == nil, "\(name.debugDescription): \(String(describing: result.error))")
            #expect(bag.values.keys.filter { $0 != "data" }.isEmpty, "\(name.debugDescription): \(bag)")
            #expect(try await roleExists(pg, "relation_id_\(id)") == false, "\(name.debugDescription)")
        }
        try await expectNoEscalation(pg, before: before, added: added)
        #expect(try await databaseExists(pg, String(repeating: "d", count: 63)) == false)
        for statement in statements(pg, from: offset) {
            #expect(!statement.contains("relation_id_34"), "a refused request reached SQL: \(statement)")
            // Every DROP in the log is inside a quoted identifier (the created names).
            if let range = statement.range(of: "DROP") {
                #expect(statement[..<range.lowerBound].filter { $0 == "\"" }.count % 2 == 1 || statement.hasPrefix("DROP"), "unquoted: \(statement)")
            }
        }
    }

    @Test("hostile prefixes: matched byte for byte as a bound value, granted quoted, or Blocked when nothing matches")
    func hostilePrefixes() async throws {
        let pg = try server()
        let hostile = #"pfx"; DROP ROLE postgres; --"#
        try await pg.withAdminConnection { conn async throws in
            for name in [hostile + "_one", hostile + "_two"] {
                try await conn.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(try SQLQuoting.quoteIdentifier(name, what: "database"))"), logger: quiet)
            }
        }
        // Another relation's database, whose name does not start with the prefix.
        _ = try await allocate(pg, 349, database: "pfxq_other")
        let before = try await roles(pg)
        let request = await Request(pg, id: 350, database: hostile + "*")
        let (result, bag) = await request.answer()
        #expect(result.error == nil)
        #expect(bag["database"] == hostile + "*")
        #expect(bag["prefix-databases"] == "\(hostile)_one,\(hostile)_two", "\(bag)")
        let password = try #require(bag["password"])
        for name in [hostile + "_one", hostile + "_two"] {
            try await pg.withConnection(user: "relation_id_350", password: password, database: name) { conn async throws in
                #expect(try await strings(conn, "SELECT current_user::text") == ["relation_id_350"])
            }
        }
        await expectConnectionRefused(pg, user: "relation_id_350", password: password, database: "pfxq_other", state: "42501")

        // LIKE patterns are no patterns: nothing starts with "%%%" or "pf_".
        for (index, prefix) in ["%%%*", "pf_*", #"pfx\*"#].enumerated() {
            let id = 351 + index
            let request = await Request(pg, id: id, database: prefix)
            let (result, bag) = await request.answer()
            #expect(result.error == nil)
            #expect(request.fake.status == (.blocked, "no database matches \(prefix)"), "\(request.fake.status)")
            #expect(bag.values.keys.filter { $0 != "data" }.isEmpty, "\(bag)")
            #expect(try await roleExists(pg, "relation_id_\(id)") == false)
        }
        try await expectNoEscalation(pg, before: before, added: ["relation_id_350"])
    }

    @Test("the server's statement log never holds a relation's password, even with log_statement = all")
    func statementLogHoldsNoPassword() async throws {
        let pg = try server()
        let offset = try await logStatements(pg)
        let request = await Request(pg, id: 360, database: "iso_logged")
        let (_, bag) = await request.answer()
        let first = try #require(bag["password"])
        let second = try await request.fake.rotatePassword(relationID: 360)
        let log = serverLog(pg, from: offset)
        #expect(log.contains("LOG:  execute "), "nothing was logged")
        #expect(log.contains("relation_id_360"))
        #expect(!log.contains(first) && !log.contains(second), "the server log shows a password")
        #expect(!log.contains(pg.adminPassword))
    }

    @Test("a password statement that fails is not written to the server log either (log_min_error_statement)", arguments: [
        "Hyg1ene-ascii-pw-0451",  // sent as its SCRAM secret
        "Hyg1ene-pässwörd-0452",  // non-ASCII: sent as the password itself
    ])
    func failedPasswordStatementIsNotLogged(password: String) async throws {
        let pg = try server()
        let offset = try await logStatements(pg)
        // Role names starting with pg_ are reserved: CREATE ROLE fails on the server.
        let error = await allocationError {
            try await pg.makeAllocator().allocate(AllocationRequest(relationID: 370, user: "pg_relation_370", password: password, database: "iso_370"))
        }
        #expect(error?.code == .server)
        let log = serverLog(pg, from: offset)
        #expect(log.contains("42939") || log.contains("reserved"), "the failure itself is logged: \(log)")
        #expect(!log.contains(password), "the server log shows the password")
        #expect(!log.contains("SCRAM-SHA-256$"), "the server log shows the SCRAM secret")
        #expect(!log.contains("PASSWORD"), "the server log shows the password statement")
    }

    @Test("ThrowawayPostgres and PostgresAllocator print without the administrator's password, whichever way they are printed")
    func administratorPasswordMasked() throws {
        let pg = try server()
        let secrets = [pg.adminPassword]
        #expect(SecretHygiene.leaks(of: pg, secrets: secrets).isEmpty, "\(SecretHygiene.leaks(of: pg, secrets: secrets))")
        let allocator = pg.makeAllocator()
        #expect(SecretHygiene.leaks(of: allocator, secrets: secrets).isEmpty, "\(SecretHygiene.leaks(of: allocator, secrets: secrets))")
        #expect(String(describing: allocator).contains("\(pg.adminUser):<masked>@\(pg.host):\(pg.port)"), "\(allocator)")
        let elsewhere = PostgresAllocator(host: "127.0.0.1", port: 1, adminUser: "admin", adminPassword: "Hyg1eneAdminPw77")
        #expect(SecretHygiene.leaks(of: elsewhere, secrets: ["Hyg1eneAdminPw77"]).isEmpty)
    }
}
