import Foundation
import JujuJSON
import PostgreSQLClientTestKit
import Testing

/// `fake-juju-tools serve` (the model in memory, tools over a socket), the Juju-version gate on
/// the tools, the commit rule (`hook-begin`/`hook-end`) and `FAKE_JUJU_FAIL`, as real processes.
@Suite("fake-juju-tools serve, versions, commit rule, faults", .serialized)
struct FakeJujuToolsServeTests {
    /// A running `serve` on `juju`'s model; stop() saves and ends it.
    final class Served {
        let juju: FakeJuju
        let socket: String
        let process = Process()
        let exe: String

        init(_ juju: FakeJuju) throws {
            self.juju = juju
            socket = juju.directory + "/tools.sock"
            exe = try FakeJuju.executable()
            process.executableURL = URL(fileURLWithPath: exe)
            process.arguments = ["serve", "--model", juju.model, "--socket", socket]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            // It prints one line once it listens.
            _ = out.fileHandleForReading.availableData
        }

        @discardableResult
        func run(_ unit: String, _ tool: String, _ args: [String] = [], stdin: String? = nil, env: [String: String] = [:]) -> FakeJuju.Output {
            var environment = ["FAKE_JUJU_SOCKET": socket, "FAKE_JUJU_CALLS": juju.calls, "JUJU_UNIT_NAME": unit]
            environment.merge(env) { _, new in new }
            return FakeJuju.spawn(juju.bin + "/" + tool, args, env: environment, stdin: stdin)
        }

        func admin(_ args: [String]) -> FakeJuju.Output { FakeJuju.spawn(exe, args + ["--socket", socket], env: [:]) }

        func stop() {
            _ = admin(["stop"])
            process.waitUntilExit()
        }
    }

    @Test("served: tools read and write the in-memory model; the file changes only on save and stop")
    func serve() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        let before = try juju.modelBytes()
        let served = try Served(juju)
        let set = served.run("app/0", "relation-set", ["-r", "7", "--app", "--file", "-"], stdin: #"{"database": "names_db"}"#)
        #expect(set.status == 0, "\(set.err)")
        #expect(served.run("pg/0", "relation-get", ["--format=json", "-r", "7", "--app", "-", "app"]).out == #"{"database":"names_db"}"# + "\n")
        #expect(try juju.modelBytes() == before, "served: the file is not rewritten per call")
        let dump = served.admin(["dump"])
        #expect(dump.status == 0)
        #expect(try InMemoryJuju.Snapshot(json: dump.out).relations.first?.appBags["app"] == ["database": "names_db"])
        // Juju's rules and error texts are the same as in file mode.
        let refused = served.run("app/1", "relation-set", ["-r", "7", "--app", "--file", "-"], stdin: #"{"database": "x"}"#)
        #expect(refused.status == 1)
        #expect(refused.err.hasPrefix("ERROR permission denied"), "\(refused.err)")
        #expect(served.run("app/0", "relation-get", ["-r", "99", "-", "app/0"]).err.contains("relation not found"))
        // The calls are logged by the tool process, as in file mode.
        #expect(try juju.callLines().contains(#"{"unit":"pg/0","argv":["relation-get","--format=json","-r","7","--app","-","app"]}"#))
        served.stop()
        #expect(try juju.relation().appBags["app"] == ["database": "names_db"], "stop saved the model")
    }

    @Test("served: hook-end with a non-zero exit discards the hook's bag writes and secrets, keeps its status")
    func commitRuleServed() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        let served = try Served(juju)
        defer { served.stop() }
        #expect(served.admin(["hook-begin"]).status == 0)
        #expect(served.run("pg/0", "relation-set", ["-r", "7", "--app", "--file", "-"], stdin: #"{"endpoints": "10.1.0.5:5432"}"#).status == 0)
        #expect(served.run("pg/0", "secret-add", ["--owner", "application", "username=u"]).status == 0)
        #expect(served.run("pg/0", "status-set", ["blocked", "failing"]).status == 0)
        #expect(served.admin(["hook-end", "--exit-code", "1"]).status == 0)
        let s = try InMemoryJuju.Snapshot(json: served.admin(["dump"]).out)
        #expect(s.relations.first?.appBags["pg"] == [:])
        #expect(s.secrets.isEmpty)
        #expect(s.statuses["pg/0"]?.status == "blocked")
        // A successful hook keeps its writes.
        #expect(served.admin(["hook-begin"]).status == 0)
        #expect(served.run("pg/0", "relation-set", ["-r", "7", "--app", "--file", "-"], stdin: #"{"endpoints": "10.1.0.5:5432"}"#).status == 0)
        #expect(served.admin(["hook-end", "--exit-code", "0"]).status == 0)
        #expect(try InMemoryJuju.Snapshot(json: served.admin(["dump"]).out).relations.first?.appBags["pg"] == ["endpoints": "10.1.0.5:5432"])
        #expect(served.admin(["hook-end", "--exit-code", "0"]).err.contains("hook-end without hook-begin"))
    }

    @Test("file mode: hook-begin/hook-end keep Juju's commit rule on the model file")
    func commitRuleFile() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        let exe = try FakeJuju.executable()
        let before = try juju.relation()
        #expect(FakeJuju.spawn(exe, ["hook-begin", "--model", juju.model], env: [:]).status == 0)
        #expect(juju.run("app/0", "relation-set", ["-r", "7", "--app", "--file", "-"], stdin: #"{"database": "names_db"}"#).status == 0)
        #expect(try juju.relation().appBags["app"] == ["database": "names_db"])
        #expect(FakeJuju.spawn(exe, ["hook-end", "--model", juju.model, "--exit-code", "2"], env: [:]).status == 0)
        #expect(try juju.relation() == before)
    }

    @Test("FAKE_JUJU_FAIL makes the named tools fail without touching the model; the call is still logged")
    func injectedFailure() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        let before = try juju.modelBytes()
        let failed = juju.run("app/0", "relation-set", ["-r", "7", "--app", "--file", "-"], stdin: #"{"database": "names_db"}"#,
                              env: ["FAKE_JUJU_FAIL": "status-set,relation-set"])
        #expect(failed.status == 1)
        #expect(failed.err == "ERROR relation-set: injected failure (FAKE_JUJU_FAIL)\n")
        #expect(try juju.modelBytes() == before)
        #expect(try juju.callLines().count == 1)
        #expect(juju.run("app/0", "is-leader", ["--format=json"], env: ["FAKE_JUJU_FAIL": "status-set"]).out == "true\n")
    }

    @Test("Juju 2.9 has no secret tools and no relation-model-get: not installed, and refused by name (exit 127)")
    func versionGate() throws {
        let juju = try FakeJuju(jujuVersion: "2.9.49")
        defer { juju.cleanUp() }
        let exe = try FakeJuju.executable()
        let bin29 = juju.directory + "/bin29"
        #expect(FakeJuju.spawn(exe, ["install", bin29, "--model", juju.model], env: [:]).status == 0)
        let installed = try FileManager.default.contentsOfDirectory(atPath: bin29)
        #expect(installed.contains("relation-get") && installed.contains("is-leader"))
        #expect(!installed.contains { $0.hasPrefix("secret-") } && !installed.contains("relation-model-get"))
        let refused = juju.run("pg/0", "secret-add", ["--owner", "application", "username=u"])
        #expect(refused.status == 127)
        #expect(refused.err.hasPrefix("ERROR secret-add: command not found (Juju 2.9.49 has no such hook tool"), "\(refused.err)")
        #expect(try juju.snapshot().secrets.isEmpty)
        let model = juju.run("pg/0", "relation-model-get", ["-r", "7", "--format=json"])
        #expect(model.status == 127)
        // 3.6.2 has relation-model-get; 3.6.1 does not.
        for (version, present) in [("3.6.1", false), ("3.6.2", true)] {
            let j = try FakeJuju(jujuVersion: version)
            defer { j.cleanUp() }
            let dir = j.directory + "/b"
            _ = FakeJuju.spawn(exe, ["install", dir, "--model", j.model], env: [:])
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).contains("relation-model-get") == present, "\(version)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).contains("secret-get"), "\(version) has secrets")
        }
    }

    @Test("add-relation adds a relation (file and served); a second provider relation shares the provider's units")
    func addRelation() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        let exe = try FakeJuju.executable()
        #expect(FakeJuju.spawn(exe, ["add-relation", "--model", juju.model, "--relation", "8", "--endpoint", "database",
                                     "--requirer", "other:1", "--provider", "pg"], env: [:]).status == 0)
        let served = try Served(juju)
        #expect(served.admin(["add-relation", "--relation", "9", "--endpoint", "database", "--requirer", "third", "--provider", "pg"]).status == 0)
        #expect(served.admin(["add-relation", "--relation", "9", "--endpoint", "database", "--requirer", "x", "--provider", "pg"]).err
            .contains("relation 9 is already in the model"))
        #expect(served.run("pg/0", "relation-ids", ["database", "--format=json"]).out == #"["database:7","database:8","database:9"]"# + "\n")
        served.stop()
        let s = try juju.snapshot()
        #expect(s.units["pg"] == ["pg/0"])
        #expect(s.leaders["third"] == "third/0")
    }
}
