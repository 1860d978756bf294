import Foundation
import PostgresNIO
@testable import PostgreSQLClientPostgres
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite struct ThrowawayPostgresTests {
    @Test func missingBinariesSayWhatToInstall() async throws {
        do {
            let pg = try await ThrowawayPostgres.start(binDirectory: "/nonexistent/postgresql/bin")
            pg.stop()
            Issue.record("started without binaries")
        } catch let error as ThrowawayPostgresError {
            #expect(error.description.contains("PostgreSQL binaries not found: install postgresql"))
        }
    }

    @Test func startsOnLoopbackAndStopRemovesEverything() async throws {
        let pg = try await ThrowawayPostgres.start()
        var stopped = false
        defer { if !stopped { pg.stop() } }
        print("ThrowawayPostgres (lifecycle test): started in \(pg.startupDuration)")

        #expect(pg.host == "127.0.0.1")
        #expect(pg.port > 0)
        #expect(FileManager.default.fileExists(atPath: pg.dataDirectory + "/PG_VERSION"))
        #expect(pg.serverVersion.hasPrefix("15"), "\(pg.serverVersion)")
        // pg_hba.conf: passwords for every line, never trust.
        let hba = try String(contentsOfFile: pg.dataDirectory + "/pg_hba.conf", encoding: .utf8)
        let rules = hba.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(!rules.isEmpty)
        #expect(rules.allSatisfy { $0.hasSuffix("scram-sha-256") })

        // A client from the pool API works too.
        let client = pg.makeClient(user: pg.adminUser, password: pg.adminPassword, database: "postgres")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let rows = try await client.query("SELECT 40 + 2").collect()
            #expect(try rows.first?.decode(Int.self) == 42)
            group.cancelAll()
        }

        pg.stop()
        stopped = true
        #expect(pg.isStopped)
        #expect(!FileManager.default.fileExists(atPath: pg.directory))
        do {
            try await pg.withAdminConnection { _ in }
            Issue.record("connected after stop()")
        } catch {
            #expect(sqlState(of: error) == nil)  // not a server answer: nobody listens
        }
        pg.stop()  // twice is fine
    }

    @Test func watchdogStopsTheServerWhenItsOwnerDies() async throws {
        let pg = try await ThrowawayPostgres.start()
        defer { pg.stop() }
        let runner = Runner(bin: pg.binDirectory, directory: pg.directory, runuser: pg.runuser, runAs: pg.runAs)
        // A stand-in owner that dies abruptly.
        let owner = try runner.spawn(["/bin/sleep", "60"], logPath: "/dev/null")
        let watchdog = try runner.spawnWatchdog(for: owner)
        try await pg.withAdminConnection { conn async throws in _ = try await conn.query("SELECT 1", logger: quiet).collect() }
        kill(owner, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(owner, &status, 0)

        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while FileManager.default.fileExists(atPath: pg.directory), clock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        _ = waitpid(watchdog, &status, 0)
        #expect(!FileManager.default.fileExists(atPath: pg.directory))
        do {
            try await pg.withAdminConnection { _ in }
            Issue.record("the server still answers after its owner died")
        } catch {
            #expect(sqlState(of: error) == nil)
        }
    }
}
