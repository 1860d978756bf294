import Foundation
import PostgresNIO
@testable import PostgreSQLClientPostgres
import PostgreSQLClientTestKit
import Testing

/// ``PostgresAllocator`` against a real PostgreSQL server, started once for the suite.
/// Each test uses its own relation ids and database names.
@Suite(.serialized, .throwawayPostgres)
struct PostgresAllocatorTests {
    func request(_ id: Int, database: String? = nil, password: String? = nil, roles: [String] = []) -> AllocationRequest {
        var generator = PasswordGenerator()
        return AllocationRequest(
            relationID: id, user: "relation_id_\(id)", password: password ?? generator.next(),
            database: database ?? "app_\(id)", extraRoles: roles)
    }

    @Test func allocatedUserLogsInAndUsesItsDatabase() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        let req = request(101)
        try await allocator.allocate(req)

        let name = try await pg.withConnection(user: req.user, password: req.password, database: req.database) { conn async throws in
            #expect(try await strings(conn, "SELECT current_user::text") == [req.user])
            #expect(try await bool(conn, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == false)
            try await conn.query("CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL)", logger: quiet)
            try await conn.query("INSERT INTO items VALUES (\(1), \("one")), (\(2), \("two"))", logger: quiet)
            return try await strings(conn, "SELECT name FROM items WHERE id = \(2)")
        }
        #expect(name == ["two"])

        try await pg.withAdminConnection { conn async throws in
            // Stored as a SCRAM secret, and PUBLIC lost its default access to the database.
            #expect(try await bool(conn, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = \(req.user)") == true)
            #expect(try await bool(conn, "SELECT has_database_privilege('public', \(req.database), 'CONNECT')") == false)
            #expect(try await bool(conn, "SELECT has_database_privilege(\(req.user), \(req.database), 'CREATE')") == true)
        }

        // Allocating again (the ALTER ROLE path) replaces the password and keeps the data.
        let again = request(101, password: "second-\(req.password)")
        try await allocator.allocate(again)
        await expectConnectionRefused(pg, user: req.user, password: req.password, database: req.database, state: "28P01")
        let count = try await pg.withConnection(user: again.user, password: again.password, database: again.database) { conn async throws in
            try await strings(conn, "SELECT count(*)::text FROM items")
        }
        #expect(count == ["2"])
    }

    @Test func userCannotConnectToAnotherRelationsDatabase() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        let mine = request(102)
        let theirs = request(103)
        try await allocator.allocate(mine)
        try await allocator.allocate(theirs)

        // Own database: yes.
        let me = try await pg.withConnection(user: mine.user, password: mine.password, database: mine.database) { conn async throws in
            try await strings(conn, "SELECT current_database()::text")
        }
        #expect(me == [mine.database])
        // The other relation's database: permission denied for database (42501).
        await expectConnectionRefused(pg, user: mine.user, password: mine.password, database: theirs.database, state: "42501")
        await expectConnectionRefused(pg, user: theirs.user, password: theirs.password, database: mine.database, state: "42501")
    }

    @Test func revokeDropsTheUserAndKeepsTheDatabase() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        let req = request(104)
        try await allocator.allocate(req)
        try await pg.withConnection(user: req.user, password: req.password, database: req.database) { conn async throws in
            try await conn.query("CREATE TABLE kept (v text)", logger: quiet)
            try await conn.query("INSERT INTO kept VALUES (\("data"))", logger: quiet)
        }
        #expect(try await roleExists(pg, req.user))

        try await allocator.revoke(user: req.user)

        await expectConnectionRefused(pg, user: req.user, password: req.password, database: req.database, state: "28P01")
        #expect(try await roleExists(pg, req.user) == false)
        #expect(try await databaseExists(pg, req.database))
        // What the user owned now belongs to the administrator, data intact.
        let owner = try await pg.withAdminConnection(database: req.database) { conn async throws in
            (try await strings(conn, "SELECT tableowner::text FROM pg_tables WHERE tablename = 'kept'"),
             try await strings(conn, "SELECT v FROM kept"))
        }
        #expect(owner.0 == [pg.adminUser])
        #expect(owner.1 == ["data"])

        // Revoking a user that does not exist is nothing to do, as in the charm.
        try await allocator.revoke(user: req.user)
        // The administrator is never dropped.
        #expect(await allocationError { try await allocator.revoke(user: pg.adminUser) } != nil)
        #expect(try await roleExists(pg, pg.adminUser))
    }

    @Test func createdbPrivilegeAndExistingRoles() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        try await pg.withAdminConnection { conn async throws in
            try await conn.query("CREATE ROLE charmed_read NOLOGIN", logger: quiet)
        }
        #expect(try await allocator.existingRoles().isSuperset(of: ["charmed_read", "postgres", "pg_read_all_data"]))

        let creator = request(105, roles: ["createdb", "charmed_read"])
        let plain = request(106)
        try await allocator.allocate(creator)
        try await allocator.allocate(plain)

        try await pg.withConnection(user: creator.user, password: creator.password, database: creator.database) { conn async throws in
            try await conn.query("CREATE DATABASE made_by_105", logger: quiet)
        }
        #expect(try await databaseExists(pg, "made_by_105"))
        // Without the privilege: refused.
        do {
            try await pg.withConnection(user: plain.user, password: plain.password, database: plain.database) { conn async throws in
                try await conn.query("CREATE DATABASE made_by_106", logger: quiet)
            }
            Issue.record("a user without createdb created a database")
        } catch {
            #expect(sqlState(of: error) == "42501", "\(String(reflecting: error))")
        }
        try await pg.withAdminConnection { conn async throws in
            #expect(try await bool(conn, "SELECT pg_has_role(\(creator.user), 'charmed_read', 'MEMBER')") == true)
            #expect(try await bool(conn, "SELECT pg_has_role(\(plain.user), 'charmed_read', 'MEMBER')") == false)
            #expect(try await bool(conn, "SELECT rolcreatedb FROM pg_roles WHERE rolname = \(creator.user)") == true)
        }
    }

    @Test func unknownRoleIsRefusedAndNothingIsCreated() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        let req = request(108, roles: ["createdb", "no_such_role"])
        let error = await allocationError { try await allocator.allocate(req) }
        #expect(error?.code == .invalidRole)
        #expect(error?.message.contains("no_such_role") == true)
        #expect(try await roleExists(pg, req.user) == false)
        #expect(try await databaseExists(pg, req.database) == false)
    }

    @Test func prefixListingComparesBytes() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        try await pg.withAdminConnection { conn async throws in
            for name in ["pfx_b", "pfx_a", "pfx_B", "pfxq", "pf%x"] {
                try await conn.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(try SQLQuoting.quoteIdentifier(name, what: "database"))"), logger: quiet)
            }
        }
        // Byte order (B < a), and "_" is no wildcard (pfxq is not listed).
        #expect(try await allocator.databases(withPrefix: "pfx_") == ["pfx_B", "pfx_a", "pfx_b"])
        #expect(try await allocator.databases(withPrefix: "pf%") == ["pf%x"])
        #expect(try await allocator.databases(withPrefix: "%") == [])
        #expect(try await allocator.databases(withPrefix: "nothing-starts-like-this") == [])
        let all = try await allocator.databases(withPrefix: "")
        #expect(all.contains("postgres"))
        #expect(!all.contains("template0") && !all.contains("template1"))
        #expect(all == all.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func hostileNamesAreQuotedOrRefused() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()

        // Quoted as one identifier: created literally, and nothing else runs.
        let injection = #"x"; DROP DATABASE postgres; --"#
        let byDatabase = request(110, database: injection)
        try await allocator.allocate(byDatabase)
        #expect(try await databaseExists(pg, injection))
        #expect(try await databaseExists(pg, "postgres"))
        #expect(try await databaseExists(pg, "x") == false)
        let inside = try await pg.withConnection(user: byDatabase.user, password: byDatabase.password, database: injection) { conn async throws in
            try await strings(conn, "SELECT current_database()::text")
        }
        #expect(inside == [injection])
        #expect(try await allocator.databases(withPrefix: #"x""#) == [injection])

        let hostileUser = #"relation_id_111"; DROP ROLE postgres; --"#
        let byUser = AllocationRequest(relationID: 111, user: hostileUser, password: "pw-111-x", database: "o'brien; SELECT 1")
        try await allocator.allocate(byUser)
        #expect(try await roleExists(pg, hostileUser))
        #expect(try await roleExists(pg, "postgres"))
        #expect(try await roleExists(pg, "relation_id_111") == false)
        try await pg.withConnection(user: hostileUser, password: "pw-111-x", database: "o'brien; SELECT 1") { conn async throws in
            #expect(try await strings(conn, "SELECT current_user::text") == [hostileUser])
        }
        try await allocator.revoke(user: hostileUser)
        #expect(try await roleExists(pg, hostileUser) == false)

        // Unicode: fine, exact name.
        let unicode = "données_日本_ü"
        try await allocator.allocate(request(112, database: unicode))
        #expect(try await databaseExists(pg, unicode))

        // Too long (80 characters; the server would truncate it to 63 bytes), empty, control
        // characters: refused before anything is created.
        let long = String(repeating: "d", count: 80)
        let refused: [AllocationRequest] = [
            request(113, database: long),
            request(113, database: ""),
            request(113, database: "a\nb"),
            request(113, database: "a\u{0}b"),
            AllocationRequest(relationID: 113, user: String(repeating: "u", count: 80), password: "pw", database: "app_113"),
            AllocationRequest(relationID: 113, user: "u\u{7F}", password: "pw", database: "app_113"),
        ]
        for req in refused {
            let error = await allocationError { try await allocator.allocate(req) }
            #expect(error?.code == .invalidName, "\(req)")
        }
        #expect(try await databaseExists(pg, String(long.prefix(63))) == false)
        #expect(try await databaseExists(pg, "app_113") == false)
        #expect(try await roleExists(pg, "relation_id_113") == false)
        #expect(try await roleExists(pg, String(repeating: "u", count: 63)) == false)
        #expect(await allocationError { try await allocator.revoke(user: long) }?.code == .invalidName)
        #expect(await allocationError { try await allocator.rotatePassword(user: long, password: "x") }?.code == .invalidName)
        // A 63-byte name is the longest accepted, and kept whole.
        let longest = String(repeating: "é", count: 31) + "z"
        #expect(longest.utf8.count == 63)
        try await allocator.allocate(request(114, database: longest))
        #expect(try await databaseExists(pg, longest))
    }

    @Test func rotatePasswordReplacesTheOldOne() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        let req = request(115)
        try await allocator.allocate(req)
        let newPassword = "rotated-\(req.password)"
        try await allocator.rotatePassword(user: req.user, password: newPassword)
        await expectConnectionRefused(pg, user: req.user, password: req.password, database: req.database, state: "28P01")
        let who = try await pg.withConnection(user: req.user, password: newPassword, database: req.database) { conn async throws in
            try await strings(conn, "SELECT current_user::text")
        }
        #expect(who == [req.user])

        let error = await allocationError { try await allocator.rotatePassword(user: "relation_id_999", password: "x") }
        #expect(error?.code == .unknownUser)
    }

    @Test(arguments: [
        #"it's a \ "pass"; --"#,  // quote and backslash (secret computed here)
        #"\'); DROP ROLE postgres; --"#,
        "md5" + "0123456789abcdef0123456789abcdef",  // looks like an MD5 hash: still a password
        "SCRAM-SHA-256$4096:AAAA$BBBB:CCCC",  // looks like a SCRAM secret: still a password
        #"pässwörd'\"#,  // non-ASCII: sent as an escaped literal, the server computes the secret
    ])
    func passwordsAreTakenLiterally(password: String) async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        let req = request(116)
        try await allocator.allocate(AllocationRequest(relationID: 116, user: req.user, password: "first-password", database: req.database))
        try await allocator.rotatePassword(user: req.user, password: password)
        let who = try await pg.withConnection(user: req.user, password: password, database: req.database) { conn async throws in
            try await strings(conn, "SELECT current_user::text")
        }
        #expect(who == [req.user])
        await expectConnectionRefused(pg, user: req.user, password: "first-password", database: req.database, state: "28P01")
        #expect(try await roleExists(pg, "postgres"))
        try await pg.withAdminConnection { conn async throws in
            #expect(try await bool(conn, "SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid WHERE rolname = \(req.user)") == true)
        }
        // The same through allocate (CREATE ROLE) for a new user.
        try await allocator.revoke(user: req.user)
        try await allocator.allocate(AllocationRequest(relationID: 116, user: req.user, password: password, database: req.database))
        try await pg.withConnection(user: req.user, password: password, database: req.database) { conn async throws in
            #expect(try await strings(conn, "SELECT current_user::text") == [req.user])
        }
        try await allocator.revoke(user: req.user)
    }

    @Test func invalidPasswordsAreRefused() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        for password in ["", "a\u{0}b"] {
            let error = await allocationError { try await allocator.allocate(request(117, password: password)) }
            #expect(error?.code == .invalidPassword)
        }
        #expect(try await roleExists(pg, "relation_id_117") == false)
    }

    @Test func serverErrorsCarryNoPassword() async throws {
        let pg = try server()
        let allocator = pg.makeAllocator()
        // Role names starting with pg_ are reserved: CREATE ROLE fails on the server.
        let secret = "Sup3rS3cretPassw0rd"
        let error = await allocationError {
            try await allocator.allocate(AllocationRequest(relationID: 118, user: "pg_relation_118", password: secret, database: "app_118"))
        }
        #expect(error?.code == .server)
        #expect(error?.message.contains("42939") == true, "\(String(describing: error))")
        #expect(error?.message.contains(secret) == false)
        #expect(error?.message.contains("SCRAM") == false)
        #expect(try await databaseExists(pg, "app_118") == false)

        // An unreachable server: a .server error naming the place, not the password.
        let nowhere = PostgresAllocator(host: "127.0.0.1", port: try ThrowawayPostgres.freeLoopbackPort(),
                                        adminUser: "postgres", adminPassword: secret)
        let unreachable = await allocationError { _ = try await nowhere.existingRoles() }
        #expect(unreachable?.code == .server)
        #expect(unreachable?.message.contains(secret) == false)
    }

    @Test func serverDemandsPasswords() async throws {
        let pg = try server()
        await expectConnectionRefused(pg, user: pg.adminUser, password: "wrong", database: "postgres", state: "28P01")
        do {
            try await pg.withConnection(user: pg.adminUser, password: nil, database: "postgres") { _ in }
            Issue.record("connected without a password")
        } catch {
            // PostgresNIO refuses to answer the SCRAM challenge without a password.
            #expect((error as? PSQLError)?.code == .authMechanismRequiresPassword, "\(String(reflecting: error))")
        }
        try await pg.withAdminConnection { conn async throws in
            #expect(try await strings(conn, "SELECT current_setting('listen_addresses')") == ["127.0.0.1"])
        }
    }
}
