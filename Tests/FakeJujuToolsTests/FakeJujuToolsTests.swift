import Foundation
import JujuJSON
import PostgreSQLClientTestKit
import Synchronization
import Testing

/// Runs the built `fake-juju-tools` as real processes, through the hook-tool symlinks.
struct FakeJuju {
    let directory: String
    let bin: String
    let model: String
    let calls: String

    struct Output {
        var status: Int32
        var out: String
        var err: String
    }

    /// `.build/<config>/fake-juju-tools`, next to the test bundle.
    static func executable() throws -> String {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((exe as NSString).deletingLastPathComponent + "/fake-juju-tools")
        }
        candidates.append((Bundle.main.bundlePath as NSString).deletingLastPathComponent + "/fake-juju-tools")
        candidates.append(Bundle.main.bundlePath + "/fake-juju-tools")
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        candidates.append(root.appendingPathComponent(".build/debug/fake-juju-tools").path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "fake-juju-tools not built; looked at \(candidates)"])
        }
        return found
    }

    init(requirer: String = "app:2", provider: String = "pg:1", relation: Int = 7, jujuVersion: String = "3.6.4") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fjt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        bin = directory + "/bin"
        model = directory + "/model.json"
        calls = directory + "/calls.jsonl"
        let exe = try Self.executable()
        let installed = Self.spawn(exe, ["install", bin], env: [:])
        #expect(installed.status == 0, "\(installed.err)")
        let initialised = Self.spawn(
            exe,
            [
                "init", "--model", model, "--relation", String(relation), "--endpoint", "database",
                "--requirer", requirer, "--provider", provider, "--juju-version", jujuVersion,
            ], env: [:])
        #expect(initialised.status == 0, "\(initialised.err)")
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }

    static func spawn(_ path: String, _ args: [String], env: [String: String], stdin: String? = nil) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("JUJU_") || key.hasPrefix("FAKE_JUJU_") {
            environment.removeValue(forKey: key)
        }
        environment.merge(env) { _, new in new }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        do { try process.run() } catch { return Output(status: -1, out: "", err: "\(error)") }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
            err: String(decoding: errData, as: UTF8.self))
    }

    /// Runs hook tool `tool` as `unit`.
    @discardableResult
    func run(_ unit: String, _ tool: String, _ args: [String] = [], stdin: String? = nil, env: [String: String] = [:]) -> Output {
        var environment = ["FAKE_JUJU_MODEL": model, "FAKE_JUJU_CALLS": calls, "JUJU_UNIT_NAME": unit]
        environment.merge(env) { _, new in new }
        return Self.spawn(bin + "/" + tool, args, env: environment, stdin: stdin)
    }

    func snapshot() throws -> InMemoryJuju.Snapshot {
        try InMemoryJuju.Snapshot(json: String(contentsOfFile: model, encoding: .utf8))
    }

    func modelBytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: model)) }

    func callLines() throws -> [String] {
        guard FileManager.default.fileExists(atPath: calls) else { return [] }
        return try String(contentsOfFile: calls, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func relation(_ id: Int = 7) throws -> InMemoryJuju.Snapshot.RelationRecord {
        try #require(try snapshot().relations.first { $0.id == id })
    }
}

@Suite("fake-juju-tools as real processes")
struct FakeJujuToolsTests {
    @Test("init writes one relation, N units per side, leader /0, empty bags")
    func initModel() throws {
        let juju = try FakeJuju(requirer: "app:3", provider: "pg")
        defer { juju.cleanUp() }
        let s = try juju.snapshot()
        #expect(s.units == ["app": ["app/0", "app/1", "app/2"], "pg": ["pg/0"]])
        #expect(s.leaders == ["app": "app/0", "pg": "pg/0"])
        #expect(s.jujuVersion == "3.6.4")
        let r = try juju.relation()
        #expect(r.endpoints == ["app": "database", "pg": "database"])
        #expect(r.appBags == ["app": [:], "pg": [:]])
        #expect(r.unitBags.keys.sorted() == ["app/0", "app/1", "app/2", "pg/0"])
        let dump = FakeJuju.spawn(try FakeJuju.executable(), ["dump", "--model", juju.model], env: [:])
        #expect(dump.status == 0)
        #expect(try InMemoryJuju.Snapshot(json: dump.out) == s)
    }

    @Test("the leader writes its app bag with --file - (JSON); a non-leader is refused and nothing changes")
    func appBagLeader() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        let set = juju.run("app/0", "relation-set", ["-r", "database:7", "--app", "--file", "-"], stdin: #"{"database": "mydb", "extra-user-roles": "admin"}"#)
        #expect(set.status == 0, "\(set.err)")
        #expect(set.out == "")
        #expect(try juju.relation().appBags["app"] == ["database": "mydb", "extra-user-roles": "admin"])

        let before = try juju.modelBytes()
        let refused = juju.run("app/1", "relation-set", ["-r", "database:7", "--app", "--file", "-"], stdin: #"{"database": "other"}"#)
        #expect(refused.status == 1)
        #expect(refused.out == "")
        #expect(refused.err == "ERROR permission denied [JUJU-APP-BAG-LEADER]\n")
        #expect(try juju.modelBytes() == before)

        let read = juju.run("app/1", "relation-get", ["--format=json", "-r", "database:7", "--app", "-", "app"])
        #expect(read.status == 1)
        #expect(read.err == "ERROR permission denied [JUJU-APP-BAG-LEADER]\n")
        #expect(try juju.modelBytes() == before)

        // The other side reads it (Juju's JSON: compact, keys sorted).
        let remote = juju.run("pg/0", "relation-get", ["--format=json", "-r", "database:7", "--app", "-", "app"])
        #expect(remote.status == 0)
        #expect(remote.out == #"{"database":"mydb","extra-user-roles":"admin"}"# + "\n")
        // ... and a single key; a missing one is null.
        #expect(juju.run("pg/0", "relation-get", ["--format=json", "-r", "7", "--app", "database", "app"]).out == "\"mydb\"\n")
        #expect(juju.run("pg/0", "relation-get", ["--format=json", "-r", "7", "--app", "nope", "app"]).out == "null\n")
        // The other side never writes it.
        let foreign = juju.run("pg/0", "relation-set", ["-r", "7", "--app", "database=x"])
        #expect(foreign.status == 0)
        #expect(try juju.relation().appBags["app"]?["database"] == "mydb")
        #expect(try juju.relation().appBags["pg"] == ["database": "x"])
    }

    @Test("relation-set: key=value arguments, --file - with JSON, \"\" deletes; relation-get of the remote unit bag")
    func unitBags() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        #expect(juju.run("pg/0", "relation-set", ["-r", "7", "endpoints=pg-0:5432", "version=14.9"]).status == 0)
        #expect(juju.run("pg/0", "relation-set", ["-r", "database:7", "--file", "-"], stdin: #"{"version": "", "tls": "False"}"#).status == 0)
        #expect(try juju.relation().unitBags["pg/0"] == ["endpoints": "pg-0:5432", "tls": "False"])
        let got = juju.run("app/1", "relation-get", ["--format=json", "-r", "database:7", "-", "pg/0"])
        #expect(got.out == #"{"endpoints":"pg-0:5432","tls":"False"}"# + "\n")
        // Defaults from the hook environment.
        let env = ["JUJU_RELATION_ID": "database:7", "JUJU_REMOTE_UNIT": "pg/0", "JUJU_REMOTE_APP": "pg"]
        #expect(juju.run("app/0", "relation-get", ["--format=json"], env: env).out == got.out)
        #expect(juju.run("app/0", "relation-list", ["--format=json"], env: env).out == "[\"pg/0\"]\n")
        #expect(juju.run("pg/0", "relation-list", ["--format=json", "-r", "7"]).out == "[\"app/0\",\"app/1\"]\n")
        #expect(juju.run("app/0", "relation-ids", ["database", "--format=json"]).out == "[\"database:7\"]\n")
        #expect(juju.run("app/0", "relation-ids", ["other", "--format=json"]).out == "[]\n")
    }

    @Test("unknown relations: Juju's text for -r")
    func unknownRelation() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        let r = juju.run("app/0", "relation-get", ["--format=json", "-r", "database:99", "-", "pg/0"])
        #expect(r.status == 1)
        #expect(r.err == "ERROR invalid value \"database:99\" for option -r: relation not found\n")
        // The endpoint must be this application's.
        #expect(juju.run("app/0", "relation-list", ["-r", "db:7"]).err == "ERROR invalid value \"db:7\" for option -r: relation not found\n")
        #expect(juju.run("app/0", "relation-set", ["-r", "x", "a=b"]).err == "ERROR invalid value \"x\" for option -r: invalid relation id\n")
        #expect(juju.run("app/0", "relation-set", ["a=b"]).err == "ERROR no relation id specified\n")
    }

    @Test("secrets across two applications: add, grant, get with --peek and --refresh, set, info, remove")
    func secrets() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        let secretFile = juju.directory + "/password"
        try "hunter2-rev1".write(toFile: secretFile, atomically: true, encoding: .utf8)
        // Only the leader adds application-owned secrets; ops passes values as key#file=PATH.
        let refused = juju.run("app/1", "secret-add", ["--owner", "application", "password=x"])
        #expect(refused.status == 1)
        #expect(refused.err == "ERROR permission denied [JUJU-APP-BAG-LEADER]\n")
        let added = juju.run("pg/0", "secret-add", ["--label", "creds", "--owner", "application", "username=relation-7", "password#file=\(secretFile)"])
        #expect(added.status == 0, "\(added.err)")
        let uri = added.out.trimmingCharacters(in: .newlines)
        #expect(uri.hasPrefix("secret:"))
        #expect(juju.run("pg/0", "secret-ids", ["--format=json"]).out == "[\"\(uri)\"]\n")

        // Not granted yet.
        let denied = juju.run("app/1", "secret-get", ["--format=json", uri])
        #expect(denied.status == 1)
        #expect(denied.err == "ERROR permission denied [JUJU-SECRET-ACCESS]\n")
        #expect(juju.run("app/0", "secret-get", ["--format=json", "secret:nonexistent0000000000"]).err
            == "ERROR secret \"nonexistent0000000000\" not found [JUJU-SECRET-ACCESS]\n")

        #expect(juju.run("pg/0", "secret-grant", ["--relation", "7", uri]).status == 0)
        let first = #"{"password":"hunter2-rev1","username":"relation-7"}"# + "\n"
        // Any unit of the consumer reads it (ops may pass secret://MODEL/ID); app/0 starts tracking revision 1.
        #expect(juju.run("app/0", "secret-get", ["--format=json", uri, "--label", "pg-creds"]).out == first)
        let bare = String(uri.dropFirst("secret:".count))
        #expect(juju.run("app/1", "secret-get", ["--format=json", "secret://00000000-0000-4000-8000-000000000000/\(bare)"]).out == first)
        #expect(juju.run("app/1", "secret-get", ["--format=json", uri, "password"]).out == "\"hunter2-rev1\"\n")

        // A new revision: consumers keep the tracked one until --refresh; --peek shows the latest once.
        #expect(juju.run("pg/0", "secret-set", ["--owner", "application", uri, "username=relation-7", "password=hunter2-rev2"]).status == 0)
        let second = #"{"password":"hunter2-rev2","username":"relation-7"}"# + "\n"
        #expect(juju.run("app/0", "secret-get", ["--format=json", uri]).out == first)
        #expect(juju.run("app/1", "secret-get", ["--format=json", "--label", "pg-creds", "--peek"]).out == second)
        #expect(juju.run("app/0", "secret-get", ["--format=json", uri]).out == first)
        #expect(juju.run("app/1", "secret-get", ["--format=json", uri, "--refresh"]).out == second)
        #expect(juju.run("app/0", "secret-get", ["--format=json", "--label", "pg-creds"]).out == second)
        // The owner sees the latest, by label too, and cannot --refresh.
        #expect(juju.run("pg/0", "secret-get", ["--format=json", "--label", "creds"]).out == second)
        let ownerRefresh = juju.run("pg/0", "secret-get", ["--format=json", uri, "--refresh"])
        #expect(ownerRefresh.status == 1)
        #expect(ownerRefresh.err.hasSuffix("[JUJU-SECRET-OWNER-REFRESH]\n"))
        // Consumers cannot change it.
        #expect(juju.run("app/0", "secret-set", [uri, "password=mine"]).err == "ERROR permission denied [JUJU-SECRET-ACCESS]\n")

        let info = juju.run("pg/0", "secret-info-get", ["--format=json", uri])
        #expect(info.out == #"{"\#(bare)":{"label":"creds","owner":"application","revision":2,"rotation":"never"}}"# + "\n")

        // Revoke, then remove.
        #expect(juju.run("pg/0", "secret-revoke", ["--relation", "7", uri]).status == 0)
        #expect(juju.run("app/0", "secret-get", ["--format=json", uri]).status == 1)
        #expect(juju.run("pg/0", "secret-remove", [uri]).status == 0)
        #expect(try juju.snapshot().secrets.isEmpty)

        // No secret value ever reaches the call log.
        let log = try String(contentsOfFile: juju.calls, encoding: .utf8)
        #expect(!log.contains("hunter2"))
        #expect(!log.contains("mine"))
        #expect(log.contains(#"{"unit":"pg/0","argv":["secret-add","--label","creds","--owner","application","username=<value>","password#file=<value>"]}"#))
        #expect(log.contains(#"{"unit":"pg/0","argv":["secret-set","--owner","application","\#(uri)","username=<value>","password=<value>"]}"#))
    }

    @Test("the call log: one JSON line per call, argv exact, relation data and secret values left out")
    func callLog() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        juju.run("app/0", "relation-get", ["--format=json", "-r", "database:7", "--app", "-", "pg"])
        juju.run("app/0", "relation-get", ["--format=json", "-r", "database:7", "-", "app/0"])
        juju.run("app/0", "relation-set", ["-r", "database:7", "--file", "-"], stdin: #"{"password": "s3cret"}"#)
        juju.run("app/0", "relation-set", ["-r", "7", "password=s3cret", "--app", "user=u"])
        juju.run("app/0", "status-set", ["--application=False", "active", "--", "-ready"])
        juju.run("app/1", "is-leader", ["--format=json"])
        #expect(try juju.callLines() == [
            #"{"unit":"app/0","argv":["relation-get","--format=json","-r","database:7","--app","-","pg"]}"#,
            #"{"unit":"app/0","argv":["relation-get","--format=json","-r","database:7","-","app/0"]}"#,
            #"{"unit":"app/0","argv":["relation-set","-r","database:7","--file","-"]}"#,
            #"{"unit":"app/0","argv":["relation-set","-r","7","password=<value>","--app","user=<value>"]}"#,
            #"{"unit":"app/0","argv":["status-set","--application=False","active","--","-ready"]}"#,
            #"{"unit":"app/1","argv":["is-leader","--format=json"]}"#,
        ])
        #expect(try juju.relation().unitBags["app/0"] == ["password": "s3cret"])
        #expect(try juju.relation().appBags["app"] == ["password": "s3cret", "user": "u"])
        #expect(try juju.snapshot().statuses["app/0"] == .init(status: "active", message: "-ready"))
    }

    @Test("20 concurrent relation-set calls from different units are all applied")
    func concurrency() throws {
        let juju = try FakeJuju(requirer: "app:20")
        defer { juju.cleanUp() }
        let results = Mutex([Int32](repeating: -1, count: 20))
        DispatchQueue.concurrentPerform(iterations: 20) { i in
            let status = juju.run("app/\(i)", "relation-set", ["-r", "database:7", "--file", "-"], stdin: #"{"n": "\#(i)"}"#).status
            results.withLock { $0[i] = status }
        }
        #expect(results.withLock { $0 } == Array(repeating: 0, count: 20))
        let bags = try juju.relation().unitBags
        for i in 0..<20 { #expect(bags["app/\(i)"] == ["n": String(i)]) }
        #expect(try juju.callLines().count == 20)
    }

    @Test("status, logs, config, version, network: Juju's output shapes")
    func otherTools() throws {
        let juju = try FakeJuju()
        defer { juju.cleanUp() }
        // ops: status-set --application=BOOL STATUS -- MESSAGE
        #expect(juju.run("app/0", "status-set", ["--application=True", "blocked", "--", "waiting for pg"]).status == 0)
        #expect(juju.run("app/1", "status-set", ["--application=True", "active"]).err
            == "ERROR setting application status: this unit is not the leader [JUJU-APP-BAG-LEADER]\n")
        #expect(juju.run("app/0", "status-set", ["maintenance", "installing"]).status == 0)
        #expect(juju.run("app/0", "status-set", ["bogus"]).err
            == "ERROR invalid status \"bogus\", expected one of [maintenance blocked waiting active]\n")
        #expect(juju.run("app/0", "status-get", ["--include-data", "--format=json", "--application=false"]).out
            == #"{"message":"installing","status":"maintenance","status-data":{}}"# + "\n")
        #expect(juju.run("app/1", "status-get", ["--include-data", "--format=json", "--application=false"]).out
            == #"{"message":"","status":"unknown","status-data":{}}"# + "\n")
        #expect(juju.run("app/0", "status-get", ["--include-data", "--format=json", "--application=true"]).out
            == #"{"application-status":{"message":"waiting for pg","status":"blocked","status-data":{}},"units":{"app/0":{"message":"installing","status":"maintenance","status-data":{}},"app/1":{"message":"","status":"unknown","status-data":{}}}}"# + "\n")

        let log = juju.run("app/0", "juju-log", ["--log-level", "WARNING", "--", "something happened"])
        #expect(log.status == 0)
        #expect(log.out == "")
        #expect(try juju.snapshot().logs == ["app/0 WARNING something happened"])

        #expect(juju.run("app/0", "config-get", ["--format=json", "--all"]).out == "{}\n")
        #expect(juju.run("app/0", "application-version-set", ["--", "1.2.3"]).status == 0)
        #expect(try juju.snapshot().applicationVersions == ["app": "1.2.3"])
        #expect(juju.run("app/0", "is-leader", ["--format=json"]).out == "true\n")
        #expect(juju.run("app/1", "is-leader", ["--format=json"]).out == "false\n")
        let network = juju.run("app/0", "network-get", ["--format=json", "-r", "7", "database"])
        #expect(network.out.contains(#""ingress-addresses":["127.0.0.1"]"#))
        #expect(juju.run("app/0", "opened-ports", ["--format=json"]).out == "[]\n")
        #expect(juju.run("app/0", "action-get", []).status == 1)
        #expect(juju.run("app/0", "storage-get", ["--format=json", "-s", "data/0"]).err
            == "ERROR invalid value \"data/0\" for option -s: storage not found\n")
        // Bad environment.
        let noUnit = FakeJuju.spawn(juju.bin + "/is-leader", [], env: ["FAKE_JUJU_MODEL": juju.model])
        #expect(noUnit.status == 1)
        #expect(noUnit.err == "ERROR JUJU_UNIT_NAME is not set\n")
    }

    @Test("snapshot and restore of the in-memory model round-trip")
    func snapshotRoundTrip() throws {
        let model = InMemoryJuju()
        model.addRelation(.init(id: 3, endpoints: ["a": "database", "b": "database"], apps: ["a", "b"], units: ["a": ["a/0"], "b": ["b/0"]]))
        model.setLeader(app: "a", unit: "a/0")
        try model.tools(for: "a/0").relationSet(relationID: 3, app: true, changes: ["database": "x"])
        let id = try model.tools(for: "a/0").secretAdd(content: ["password": "p"], label: "l")
        try model.tools(for: "a/0").secretGrant(id: id, relationID: 3)
        try model.tools(for: "a/0").statusSet(.active, message: "ok", application: false)
        let snapshot = model.snapshot()
        let text = try snapshot.json()
        let restored = InMemoryJuju(snapshot: try InMemoryJuju.Snapshot(json: text))
        #expect(restored.snapshot() == snapshot)
        #expect(restored.relation(3)?.appBags["a"]?["database"] == "x")
        #expect(restored.secret(id)?.grants == ["b"])
        #expect(restored.status(of: "a/0")?.1 == "ok")
    }
}
