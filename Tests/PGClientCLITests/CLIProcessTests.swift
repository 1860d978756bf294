import Foundation
import Testing

/// Runs the built `pgclient` binary as a process, as a user would.
@Suite("pgclient as a process")
struct CLIProcessTests {
    static var binary: URL {
        // The test bundle sits next to the package's executables in .build/<config>/.
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        var folder = bundle.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("pgclient").path) {
            folder = Repository.url(".build/debug")
        }
        return folder.appendingPathComponent("pgclient")
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = Repository.root
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }

    @Test("the binary exists (swift build builds it)")
    func binaryExists() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "\(Self.binary.path)")
    }

    @Test("a valid bag exits 0 with a summary line")
    func validExitsZero() throws {
        let output = try Self.run(["check", "Fixtures/databags/valid/provider-app-juju29-plaintext.json"])
        #expect(output.status == 0)
        #expect(output.stdout == "ok: 1 bag checked, no violations\n")
    }

    @Test("violations exit 1, one line each as RULE-ID field: problem; expected ..., then a summary")
    func violationsExitOne() throws {
        let bag = #"{"database": "names_db", "username": "relation_id_7", "password": "hunter2hunter2", "endpoints": "10.1.0.5:0"}"#
        let output = try Self.run(["check", "--side", "provider", "-"], stdin: bag)
        #expect(output.status == 1)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("PROV-ENDPOINTS-FORMAT endpoints: port \"0\" of \"10.1.0.5:0\" is not from 1 to 65535; expected ") == true, "\(lines)")
        #expect(lines.last == "1 violation in 1 bag")
        #expect(!output.stdout.contains("hunter2"))
    }

    @Test("unusable input exits 2 and says which key and rule", arguments: [
        (#"{"database": "names_db", "port": 5432}"#, "BAG-VALUE-STRING port"),
        (#"["database"]"#, "expected an object"),
        (#"{"database": "#, "not JSON"),
        (#"{"username": "u", "password": "secretpassword1", "requested-secrets": "[]"}"#, "--side"),
    ])
    func unusableExitsTwo(input: String, message: String) throws {
        let output = try Self.run(["check", "-"], stdin: input)
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains(message), "\(output.stderr)")
        #expect(!output.stderr.contains("secretpassword1"))
    }

    @Test("--json prints one JSON document with every violation")
    func jsonOutput() throws {
        let output = try Self.run(["check", "--json", "--side", "requirer", "Fixtures/databags/invalid/" + (try Self.firstInvalid(rule: "REQ-ENTITY-TYPE"))])
        #expect(output.status == 1)
        let document = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let violations = document?["violations"] as? [[String: Any]]
        #expect(violations?.contains { $0["rule"] as? String == "REQ-ENTITY-TYPE" } == true)
        #expect(document?["ok"] as? Bool == false)
    }

    @Test("a missing file exits 2")
    func missingFile() throws {
        let output = try Self.run(["check", "no/such/file.json"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("cannot read no/such/file.json"))
    }

    static func firstInvalid(rule: String) throws -> String {
        let fixture = try #require(DatabagFixture.all.first { $0.rules == [rule] && $0.bag == "app" })
        return String(fixture.file.dropFirst("invalid/".count))
    }
}

@Suite("pgclient demo, in memory")
struct DemoProcessTests {
    @Test("the tutorial replays: integrate → active with the environment, remove → waiting; no password printed")
    func demo() throws {
        let output = try CLIProcessTests.run(["demo", "--in-memory", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("[3/7] juju integrate postgresql-k8s demo-api-charm") })
        #expect(lines.contains { $0.contains("postgresql-k8s/0 relation-changed (demo-api-charm/0) → database_requested") })
        #expect(lines.contains { $0.contains("demo-api-charm/0 relation-changed (postgresql-k8s) → database_created") })
        #expect(lines.contains { $0.contains("postgresql-k8s:database        demo-api-charm:database        postgresql_client  regular") })
        #expect(lines.contains("      DEMO_SERVER_DB_PASSWORD=********"))
        #expect(lines.contains("      DEMO_SERVER_DB_USER=relation_id_1"))
        let summary = try #require(lines.last)
        #expect(summary.contains(#""status_after_integrate":"active""#))
        #expect(summary.contains(#""status_after_remove":"waiting: Waiting for database relation""#))
        // The fake's passwords are 16 alphanumerics; none may appear in the transcript.
        let password = try #require(output.stdout.range(of: #"DEMO_SERVER_DB_PASSWORD": "([^"]*)""#, options: .regularExpression))
        #expect(output.stdout[password].contains("********"))
    }
}

@Suite("pgclient demo on a real PostgreSQL server")
struct DemoPostgresProcessTests {
    @Test("the credentials the charm got create the names table, insert and read back; another relation is denied; removal revokes")
    func demoWithPostgres() throws {
        let output = try CLIProcessTests.run(["demo", "--postgres", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let summary = try #require(output.stdout.split(separator: "\n").last.map(String.init))
        #expect(summary.contains(#""used_postgresql":true"#))
        #expect(summary.contains(#""names":["maria","ahmed","léa"]"#))
        #expect(summary.contains(#""other_relation_denied":true"#))
        #expect(output.stdout.contains(#"permission denied for database "names_db""#))
        #expect(summary.contains(#""status_after_remove":"waiting: Waiting for database relation""#))
    }
}
