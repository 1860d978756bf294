import Foundation
import JujuJSON
import Testing

/// Exactly-once under replay and crashes, with the tutorial charm as a real process on the fake
/// hook tools: Juju's commit rule through `hook-begin`/`hook-end`, tool failures injected with
/// `FAKE_JUJU_FAIL` (Specs/postgresql_client-v0.md, "Replays, failed hooks and leadership changes").
@Suite("demo-api-charm as a process: replay, crash, retry", .serialized)
struct CharmProcessExactlyOnceTests {
    typealias Sandbox = CharmProcessTests.Sandbox
    static let password = "Qv7Hm2Rx9Lt4Wn6B"
    static var tools: String { CharmProcessTests.bin.appendingPathComponent("fake-juju-tools").path }

    /// A relation where the requirer asked and postgresql-k8s answered (plaintext or secrets).
    static func answered(version: String) throws -> Sandbox {
        let box = try Sandbox(version: version)
        #expect(try box.hook("database-relation-created", version: version).0 == 0)
        let env = box.env(unit: "postgresql-k8s/0", hook: "database-relation-changed", remoteUnit: "demo-api-charm/0", version: version)
        var answer = #"{"database": "names_db", "endpoints": "10.1.0.5:5432", "tls": "False", "version": "14.15""#
        if version.hasPrefix("2.") {
            answer += #", "username": "relation_id_7", "password": "\#(password)"}"#
        } else {
            let added = try Sandbox.exec(box.tools.appendingPathComponent("secret-add").path,
                                         ["--owner", "application", "--label", "database.7.user.secret", "username=relation_id_7", "password=\(password)"], env: env)
            #expect(added.0 == 0, "\(added.2)")
            let uri = added.1.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try Sandbox.exec(box.tools.appendingPathComponent("secret-grant").path, [uri, "-r", "7"], env: env).0 == 0)
            answer += #", "secret-user": "\#(uri)"}"#
        }
        let set = try Sandbox.exec(box.tools.appendingPathComponent("relation-set").path, ["-r", "7", "--app", "--file", "-"], env: env, stdin: answer)
        #expect(set.0 == 0, "\(set.2)")
        return box
    }

    static func snapshot(_ box: Sandbox) throws -> String? {
        let model = try JSONParser().parse(String(contentsOf: box.model, encoding: .utf8))
        guard case .array(let relations) = model["relations"] ?? .null, let relation = relations.first else { return nil }
        return relation["unitBags"]?["demo-api-charm/0"]?["data"]?.stringValue
    }

    static func tools(_ calls: [JSONValue]) -> [String] { calls.compactMap { $0["argv"]?.stringArray?.first } }

    @Test("the same relation-changed delivered twice: the second run reads two bags and writes nothing", arguments: ["2.9.49", "3.6.4"])
    func replay(version: String) throws {
        let box = try Self.answered(version: version)
        try? FileManager.default.removeItem(at: box.calls)
        #expect(try box.hook("database-relation-changed", version: version).0 == 0)
        #expect(Self.tools(box.callLines()).contains("status-set"), "database_created handled: Active")
        let first = try Self.snapshot(box)
        #expect(first != nil)
        try? FileManager.default.removeItem(at: box.calls)
        #expect(try box.hook("database-relation-changed", version: version).0 == 0)
        #expect(Self.tools(box.callLines()) == ["relation-get", "relation-get"], "no event, no write, no status on a replay")
        #expect(try Self.snapshot(box) == first)
    }

    @Test("relation-set fails (FAKE_JUJU_FAIL): exit 1, snapshot unchanged; the retry emits database_created", arguments: ["2.9.49", "3.6.4"])
    func failedRelationSet(version: String) throws {
        let box = try Self.answered(version: version)
        let before = try box.bags()
        let crashed = try box.hook("database-relation-changed", version: version, fail: "relation-set")
        #expect(crashed.0 == 1)
        #expect(crashed.2.contains("relation-set"), "the one-line error names the tool: \(crashed.2)")
        #expect(try box.bags() == before, "nothing of the failed hook is kept")
        #expect(!FileManager.default.fileExists(atPath: box.charmDir.appendingPathComponent("pebble-layer.json").path))
        let retried = try box.hook("database-relation-changed", version: version)
        #expect(retried.0 == 0, "\(retried.2)")
        #expect(try Self.snapshot(box) != nil)
        let status = try Sandbox.exec(box.tools.appendingPathComponent("status-get").path, ["--format=json"],
                                      env: box.env(unit: "demo-api-charm/0", hook: "update-status", remoteUnit: nil, version: version))
        #expect(status.1.contains(#""status":"active""#), "\(status.1)")
        #expect(!(crashed.1 + crashed.2 + retried.1 + retried.2).contains(Self.password))
    }

    @Test("status-set fails after the snapshot was written: hook-end discards it (JUJU-HOOK-COMMIT), so the retry emits database_created again")
    func failedStatusSet() throws {
        let version = "2.9.49"
        let box = try Self.answered(version: version)
        try? FileManager.default.removeItem(at: box.calls)
        let crashed = try box.hook("database-relation-changed", version: version, fail: "status-set")
        #expect(crashed.0 == 1)
        #expect(Self.tools(box.callLines()).contains("relation-set"), "the snapshot write happened before the failure")
        #expect(try Self.snapshot(box) == nil, "and Juju's commit rule took it back")
        try? FileManager.default.removeItem(at: box.calls)
        let retried = try box.hook("database-relation-changed", version: version)
        #expect(retried.0 == 0, "\(retried.2)")
        #expect(Self.tools(box.callLines()) == ["relation-get", "relation-get", "relation-set", "status-set"])
    }

    @Test("without the commit rule (no hook-end) a failed status-set would lose database_created: the rule is what makes retries work")
    func commitRuleIsNeeded() throws {
        let version = "2.9.49"
        let box = try Self.answered(version: version)
        let env = box.env(unit: "demo-api-charm/0", hook: "database-relation-changed", remoteUnit: "postgresql-k8s/0", version: version)
        let crashed = try Sandbox.exec(CharmProcessTests.bin.appendingPathComponent("demo-api-charm").path, [],
                                       env: env.merging(["FAKE_JUJU_FAIL": "status-set"]) { $1 })
        #expect(crashed.0 == 1)
        #expect(try Self.snapshot(box) != nil, "the tools write at once; only hook-end undoes a failed hook")
        try? FileManager.default.removeItem(at: box.calls)
        #expect(try box.hook("database-relation-changed", version: version).0 == 0)
        #expect(!Self.tools(box.callLines()).contains("status-set"), "the event was lost: nothing to handle on the retry")
    }
}

extension CharmProcessTests.Sandbox {
    /// One hook of demo-api-charm/0 as Juju runs it: `hook-begin`, the charm process (with
    /// `FAKE_JUJU_FAIL` = `fail`), `hook-end --exit-code`.
    func hook(_ hook: String, version: String, fail: String? = nil) throws -> (Int32, String, String) {
        let tools = CharmProcessExactlyOnceTests.tools
        #expect(try Self.exec(tools, ["hook-begin", "--model", model.path]).0 == 0)
        var env = env(unit: "demo-api-charm/0", hook: hook, remoteUnit: "postgresql-k8s/0", version: version)
        if let fail { env["FAKE_JUJU_FAIL"] = fail }
        let result = try Self.exec(CharmProcessTests.bin.appendingPathComponent("demo-api-charm").path, [], env: env)
        #expect(try Self.exec(tools, ["hook-end", "--model", model.path, "--exit-code", String(result.0)]).0 == 0)
        return result
    }
}
