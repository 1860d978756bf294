import Foundation
import JujuJSON
@testable import PGClientCLI
import PostgreSQLClient
import PostgreSQLClientTestKit
import Synchronization
import Testing

/// Runs `pgclient` as a process over everything it can be given — the demo (in memory, Juju 3
/// and 2.9, text and JSON, and on a real PostgreSQL when its binaries are installed), `check` on
/// every fixture in both output modes, `conformance` on every vector and on failing copies of
/// some — and greps all of standard output and standard error for every known password:
/// those in the fixtures and vectors, and those the demo's fake provider handed out (seeded
/// with the hidden `--password-seed`). Zero hits.
@Suite("No password in any output of pgclient")
struct PasswordGrepTests {
    static let seed: UInt64 = 0x5EC2E7
    /// More than the demo uses (one per relation and rotation): extra ones cost nothing.
    static let demoPasswords: [String] = {
        var generator = PasswordGenerator(seed: seed)
        return (0..<8).map { _ in generator.next() }
    }()

    struct Capture {
        var command: String
        var status: Int32
        var output: String
    }

    static func capture(_ arguments: [String]) throws -> Capture {
        let result = try CLIProcessTests.run(arguments)
        return Capture(command: "pgclient " + arguments.joined(separator: " "), status: result.status, output: result.stdout + result.stderr)
    }

    static func files(under folder: String) throws -> [String] {
        let root = Repository.url(folder).path
        let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
        return all.filter { $0.hasSuffix(".json") }.sorted().map { folder + "/" + $0 }
    }

    static func fixturePasswords() throws -> Set<String> {
        var found: Set<String> = []
        for file in try files(under: "Fixtures/databags") + files(under: "Fixtures/vectors") {
            if let value = try? JSONParser().parse(Repository.text(file)) { found.formUnion(SecretHygiene.knownSecrets(in: value)) }
        }
        return found
    }

    /// Runs every invocation, four processes at a time (most of a run is process start-up).
    static func captureAll(_ invocations: [[String]]) throws -> [Capture] {
        let width = 4
        let slots = Mutex<[Result<Capture, any Error>?]>(Array(repeating: nil, count: invocations.count))
        DispatchQueue.concurrentPerform(iterations: width) { lane in
            for index in stride(from: lane, to: invocations.count, by: width) {
                let result = Result { try capture(invocations[index]) }
                slots.withLock { $0[index] = result }
            }
        }
        return try slots.withLock { $0 }.map { try $0!.get() }
    }

    /// One line per (command, password) where the output holds the password; the line names the
    /// password by its length and first two characters only.
    static func hits(_ captures: [Capture], passwords: Set<String>) -> [String] {
        var hits: [String] = []
        for capture in captures {
            for password in passwords.sorted() where capture.output.contains(password) {
                hits.append("\(capture.command) prints a known password (\(password.utf8.count) bytes, starting \(password.prefix(2))…)")
            }
        }
        return hits
    }

    static func expectNoHits(_ captures: [Capture], passwords: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
        let found = hits(captures, passwords: passwords)
        #expect(found.isEmpty, "\(found.count) hit(s):\n\(found.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    @Test("the collector finds the passwords of the fixtures and the grep catches a printed one")
    func collectorWorks() throws {
        let passwords = try Self.fixturePasswords()
        #expect(passwords.contains("bAAViPsKECBjg1hPw0rd0HpJFei9sX8Z"))
        #expect(passwords.count >= 5, "\(passwords.count)")
        let leaky = Capture(command: "leaky", status: 0, output: "DEMO_SERVER_DB_PASSWORD=\(Self.demoPasswords[1])\n")
        #expect(Self.hits([leaky], passwords: Set(Self.demoPasswords)).count == 1)
        #expect(!Self.hits([leaky], passwords: Set(Self.demoPasswords)).joined().contains(Self.demoPasswords[1]))
    }

    @Test("--password-seed (hidden) reaches the fake provider: the charm got the first seeded password")
    func seedIsUsed() async throws {
        let command = try DemoCommand.parseAsRoot(["--in-memory", "--password-seed", String(Self.seed)]) as? DemoCommand
        #expect(command?.passwordSeed == Self.seed)
        for version in [JujuVersion(major: 3, minor: 6, patch: 4), JujuVersion(major: 2, minor: 9, patch: 49)] {
            let demo = TutorialDemo(jujuVersion: version, passwordSeed: Self.seed)
            _ = try await demo.run()
            let password = demo.charmBox.state.withLock { $0.environment["DEMO_SERVER_DB_PASSWORD"] }
            #expect(password == Self.demoPasswords[0], "\(version)")
        }
        #expect(try Self.capture(["demo", "--in-memory", "--password-seed", "x"]).status != 0, "a bad seed is refused")
        #expect(!(try Self.capture(["demo", "--help"])).output.contains("password-seed"), "the knob is hidden from --help")
    }

    @Test("demo (in memory, Juju 3 and 2.9, text and JSON): no known password in stdout or stderr")
    func demoInMemory() throws {
        let seed = String(Self.seed)
        let captures = try [
            ["demo", "--in-memory", "--password-seed", seed],
            ["demo", "--in-memory", "--json", "--password-seed", seed],
            ["demo", "--in-memory", "--juju-version", "2.9.49", "--password-seed", seed],
            ["demo", "--in-memory", "--juju-version", "2.9.49", "--json", "--password-seed", seed],
        ].map(Self.capture)
        for capture in captures { #expect(capture.status == 0, "\(capture.command): \(capture.output)") }
        Self.expectNoHits(captures, passwords: Set(Self.demoPasswords))
    }

    @Test("demo on a real PostgreSQL (when its binaries are installed): no known password")
    func demoPostgres() throws {
        let seed = String(Self.seed)
        let captures = try [
            ["demo", "--postgres", "--json", "--password-seed", seed],
            ["demo", "--postgres", "--juju-version", "2.9.49", "--password-seed", seed],
        ].map(Self.capture)
        for capture in captures {
            // Exit 2 only when no server can be started; then the message must say so.
            #expect(capture.status == 0 || capture.output.contains("PostgreSQL binaries not found"), "\(capture.command): \(capture.output)")
        }
        Self.expectNoHits(captures, passwords: Set(Self.demoPasswords))
    }

    @Test("check on every fixture, text and JSON: no known password")
    func checkEveryFixture() throws {
        let passwords = try Self.fixturePasswords()
        var invocations: [[String]] = []
        for fixture in DatabagFixture.all {
            let path = "Fixtures/databags/" + fixture.file
            var options = ["--bag", fixture.bag]
            if let side = fixture.side { options += ["--side", side.rawValue] }
            invocations.append(["check"] + options + [path])
            invocations.append(["check", "--json"] + options + [path])
        }
        let captures = try Self.captureAll(invocations)
        #expect(captures.count == DatabagFixture.all.count * 2)
        Self.expectNoHits(captures, passwords: passwords)
    }

    @Test("conformance on every vector (text and JSON) and on failing copies: no known password")
    func conformance() throws {
        let passwords = try Self.fixturePasswords()
        var captures = try [["conformance", "Fixtures/vectors"], ["conformance", "--json", "Fixtures/vectors"]].map(Self.capture)
        for capture in captures { #expect(capture.status == 0, "\(capture.command)") }

        // Failing copies: every vector with each of its expected passwords changed, so that the
        // first difference is on a password, a URI, a snapshot or a secret.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pgclient-grep-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var written = 0
        for file in try Self.files(under: "Fixtures/vectors") {
            let text = try Repository.text(file)
            guard let value = try? JSONParser().parse(text) else { continue }
            for password in SecretHygiene.knownSecrets(in: value) where text.contains(password) {
                // Only the expectations change: the password gets a suffix after its last use.
                guard let last = text.range(of: password, options: .backwards) else { continue }
                var broken = text
                broken.replaceSubrange(last, with: password + "Z9")
                written += 1
                try broken.write(to: folder.appendingPathComponent("broken-\(written).json"), atomically: true, encoding: .utf8)
            }
        }
        #expect(written >= 10, "\(written) failing copies")
        let failing = try [["conformance", folder.path], ["conformance", "--json", folder.path]].map(Self.capture)
        #expect(failing.allSatisfy { $0.status == 1 || $0.status == 2 }, "\(failing.map(\.status))")
        #expect(failing[0].output.contains("FAIL "), "\(failing[0].output.prefix(400))")
        captures += failing
        // The broken copies' own passwords (with the suffix) count as well.
        Self.expectNoHits(captures, passwords: passwords.union(passwords.map { $0 + "Z9" }))
    }
}
