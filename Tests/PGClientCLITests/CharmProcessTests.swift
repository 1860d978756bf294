import Foundation
import JujuJSON
import Testing

/// The tutorial charm binary run as a real process, once per hook, on the fake hook tools.
@Suite("demo-api-charm as a process on fake-juju-tools", .serialized)
struct CharmProcessTests {
    static var bin: URL { CLIProcessTests.binary.deletingLastPathComponent() }

    final class Sandbox {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("charm-process-\(UUID().uuidString)")
        var model: URL { root.appendingPathComponent("model.json") }
        var calls: URL { root.appendingPathComponent("calls.jsonl") }
        var tools: URL { root.appendingPathComponent("bin") }
        var charmDir: URL { root.appendingPathComponent("charm") }

        init(version: String) throws {
            try FileManager.default.createDirectory(at: charmDir, withIntermediateDirectories: true)
            try Self.exec(CharmProcessTests.bin.appendingPathComponent("fake-juju-tools").path, ["init", "--model", model.path, "--relation", "7", "--endpoint", "database", "--requirer", "demo-api-charm", "--provider", "postgresql-k8s", "--juju-version", version])
            try Self.exec(CharmProcessTests.bin.appendingPathComponent("fake-juju-tools").path, ["install", tools.path])
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        @discardableResult
        static func exec(_ path: String, _ args: [String], env: [String: String] = [:], stdin: String? = nil) throws -> (Int32, String, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = args
            process.environment = env.isEmpty ? nil : env
            let out = Pipe(), err = Pipe(), input = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = input
            try process.run()
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try input.fileHandleForWriting.close()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
        }

        func env(unit: String, hook: String, remoteUnit: String?, version: String) -> [String: String] {
            var env = [
                "PATH": tools.path + ":/usr/bin:/bin", "FAKE_JUJU_MODEL": model.path, "FAKE_JUJU_CALLS": calls.path,
                "JUJU_UNIT_NAME": unit, "JUJU_VERSION": version, "JUJU_DISPATCH_PATH": "hooks/\(hook)",
                "JUJU_CHARM_DIR": charmDir.path, "JUJU_MODEL_NAME": "tutorial",
            ]
            if hook.hasPrefix("database-relation-") {
                env["JUJU_RELATION"] = "database"
                env["JUJU_RELATION_ID"] = "database:7"
                env["JUJU_REMOTE_APP"] = unit.hasPrefix("demo") ? "postgresql-k8s" : "demo-api-charm"
                env["JUJU_REMOTE_UNIT"] = remoteUnit
            }
            return env
        }

        func charm(_ hook: String, version: String) throws -> (Int32, String, String) {
            try Self.exec(CharmProcessTests.bin.appendingPathComponent("demo-api-charm").path, [], env: env(unit: "demo-api-charm/0", hook: hook, remoteUnit: "postgresql-k8s/0", version: version))
        }

        /// The relations and secrets of the model (what a hook may write), without logs and statuses.
        func bags() throws -> JSONValue {
            let model = try JSONParser().parse(String(contentsOf: model, encoding: .utf8))
            return ["relations": model["relations"] ?? .null, "secrets": model["secrets"] ?? .null]
        }

        func callLines() -> [JSONValue] {
            ((try? String(contentsOf: calls, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { try? JSONParser().parse(String($0)) }
        }
    }

    @Test("a leader requirer's relation-changed that yields database_created makes 4 tool calls, each as Juju takes it (Juju 2.9)")
    func fourCallsAsProcess() throws {
        let version = "2.9.49"
        let box = try Sandbox(version: version)
        let created = try box.charm("database-relation-created", version: version)
        #expect(created.0 == 0, "\(created.2)")
        // postgresql-k8s answers (as its leader, through the same tools).
        let answer = #"{"database": "names_db", "endpoints": "10.1.0.5:5432", "password": "Pz5Pw0rdProcess00", "tls": "False", "username": "relation_id_7", "version": "14.15"}"#
        let set = try Sandbox.exec(box.tools.appendingPathComponent("relation-set").path, ["-r", "7", "--app", "--file", "-"], env: box.env(unit: "postgresql-k8s/0", hook: "database-relation-changed", remoteUnit: "demo-api-charm/0", version: version), stdin: answer)
        #expect(set.0 == 0, "\(set.2)")
        try? FileManager.default.removeItem(at: box.calls)
        let changed = try box.charm("database-relation-changed", version: version)
        #expect(changed.0 == 0, "\(changed.2)")
        let calls = box.callLines()
        #expect(calls.map { $0["argv"]?.stringArray ?? [] } == [
            ["relation-get", "--format=json", "-r", "7", "-", "demo-api-charm/0"],
            ["relation-get", "--format=json", "-r", "7", "--app", "-", "postgresql-k8s"],
            ["relation-set", "-r", "7", "--file", "-"],
            ["status-set", "active", ""],
        ])
        #expect(calls.allSatisfy { $0["unit"] == "demo-api-charm/0" })
        let layer = try String(contentsOf: box.charmDir.appendingPathComponent("pebble-layer.json"), encoding: .utf8)
        let environment = try JSONParser().parse(layer)["services"]?["fastapi-service"]?["environment"]
        #expect(environment?["DEMO_SERVER_DB_HOST"] == "10.1.0.5")
        #expect(environment?["DEMO_SERVER_DB_USER"] == "relation_id_7")
        let dump = try Sandbox.exec(Self.bin.appendingPathComponent("fake-juju-tools").path, ["dump", "--model", box.model.path]).1
        #expect(dump.contains("Waiting") == false)
        #expect(!changed.1.contains("Pz5Pw0rdProcess00") && !changed.2.contains("Pz5Pw0rdProcess00"))
    }

    @Test("a whole relation life as processes: created, joined, changed (database_created), departed, broken (Waiting)")
    func wholeLife() throws {
        let version = "3.6.4"
        let box = try Sandbox(version: version)
        #expect(try box.charm("install", version: version).0 == 0)
        #expect(try box.charm("database-relation-created", version: version).0 == 0)
        #expect(try box.charm("database-relation-joined", version: version).0 == 0)
        let provider = box.env(unit: "postgresql-k8s/0", hook: "database-relation-changed", remoteUnit: "demo-api-charm/0", version: version)
        let tool = { (name: String) in box.tools.appendingPathComponent(name).path }
        let uri = try Sandbox.exec(tool("secret-add"), ["--owner", "application", "--label", "database.7.user.secret", "username=relation_id_7", "password=Lf6Pw0rdWholeLife"], env: provider).1.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(uri.hasPrefix("secret:"))
        #expect(try Sandbox.exec(tool("secret-grant"), [uri, "-r", "7"], env: provider).0 == 0)
        let answer = #"{"database": "names_db", "endpoints": "postgresql-k8s-primary.dev.svc.cluster.local:5432", "secret-user": "\#(uri)", "version": "14.15"}"#
        #expect(try Sandbox.exec(tool("relation-set"), ["-r", "7", "--app", "--file", "-"], env: provider, stdin: answer).0 == 0)
        let changed = try box.charm("database-relation-changed", version: version)
        #expect(changed.0 == 0, "\(changed.2)")
        let layer = try JSONParser().parse(String(contentsOf: box.charmDir.appendingPathComponent("pebble-layer.json"), encoding: .utf8))
        #expect(layer["services"]?["fastapi-service"]?["environment"]?["DEMO_SERVER_DB_PASSWORD"] == "Lf6Pw0rdWholeLife")
        #expect(try box.charm("database-relation-departed", version: version).0 == 0)
        #expect(try box.charm("database-relation-broken", version: version).0 == 0)
        let model = try JSONParser().parse(String(contentsOf: box.model, encoding: .utf8))
        #expect(model.serialized().contains("Waiting for database relation"))
        #expect(!FileManager.default.fileExists(atPath: box.charmDir.appendingPathComponent("pebble-layer.json").path))
        let units = Set(box.callLines().compactMap { $0["unit"]?.stringValue })
        #expect(units == ["demo-api-charm/0", "postgresql-k8s/0"])
        #expect(!((try? String(contentsOf: box.calls, encoding: .utf8)) ?? "").contains("Lf6Pw0rdWholeLife"))
    }

    @Test("two Swift charm processes, requirer and provider, agree on the wire in both Juju modes", arguments: ["3.6.4", "2.9.49"])
    func swiftToSwift(version: String) throws {
        let box = try Sandbox(version: version)
        let providerBinary = Self.bin.appendingPathComponent("fake-postgresql-charm").path
        #expect(try box.charm("database-relation-created", version: version).0 == 0)
        let provider = try Sandbox.exec(providerBinary, [], env: box.env(unit: "postgresql-k8s/0", hook: "database-relation-changed", remoteUnit: "demo-api-charm/0", version: version))
        #expect(provider.0 == 0, "\(provider.2)")
        let changed = try box.charm("database-relation-changed", version: version)
        #expect(changed.0 == 0, "\(changed.2)")
        let layer = try JSONParser().parse(String(contentsOf: box.charmDir.appendingPathComponent("pebble-layer.json"), encoding: .utf8))
        let environment = layer["services"]?["fastapi-service"]?["environment"]
        #expect(environment?["DEMO_SERVER_DB_USER"] == "relation_id_7")
        #expect(environment?["DEMO_SERVER_DB_PASSWORD"]?.stringValue?.count == 16)
        let model = try JSONParser().parse(String(contentsOf: box.model, encoding: .utf8))
        let bag = model.serialized()
        #expect(bag.contains("secret-user") == (version == "3.6.4"), "credentials travel in a secret exactly under Juju 3")
    }

    @Test("bad environments: one line naming what is wrong, exit 1, no bag written", arguments: [
        ("JUJU_UNIT_NAME", "", "JUJU_UNIT_NAME"),
        ("JUJU_DISPATCH_PATH", "hooks/frobnicate", "unknown hook frobnicate"),
        ("PATH", "/nonexistent", "is not on PATH"),
    ])
    func badEnvironment(variable: String, value: String, message: String) throws {
        let version = "3.6.4"
        let box = try Sandbox(version: version)
        var env = box.env(unit: "demo-api-charm/0", hook: "database-relation-created", remoteUnit: nil, version: version)
        env[variable] = value
        let before = try box.bags()
        let result = try Sandbox.exec(Self.bin.appendingPathComponent("demo-api-charm").path, [], env: env)
        #expect(result.0 == 1)
        #expect(result.2.contains(message), "\(result.2)")
        #expect(result.2.split(separator: "\n").count == 1)
        #expect(try box.bags() == before)
    }

    @Test("garbage from a hook tool is a named error, nothing written")
    func garbageTool() throws {
        let version = "3.6.4"
        let box = try Sandbox(version: version)
        let fake = box.root.appendingPathComponent("garbage")
        try FileManager.default.createDirectory(at: fake, withIntermediateDirectories: true)
        let script = fake.appendingPathComponent("relation-get")
        try "#!/bin/sh\necho '{not json'\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        var env = box.env(unit: "demo-api-charm/0", hook: "database-relation-changed", remoteUnit: "postgresql-k8s/0", version: version)
        env["PATH"] = fake.path + ":" + box.tools.path + ":/usr/bin:/bin"
        let before = try box.bags()
        let result = try Sandbox.exec(Self.bin.appendingPathComponent("demo-api-charm").path, [], env: env)
        #expect(result.0 == 1)
        #expect(result.2.contains("relation-get") && result.2.contains("not JSON"), "\(result.2)")
        #expect(try box.bags() == before)
    }
}
