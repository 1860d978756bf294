import Foundation
import JujuJSON
import PGClientCLI
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

/// Every vector file under Fixtures/vectors.
enum VectorFiles {
    static let all: [String] = {
        let root = Repository.url("Fixtures/vectors").path
        let found = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }
        return found.sorted()
    }()

    static func load(_ relative: String) throws -> ConformanceVector {
        try ConformanceVector(json: Repository.text("Fixtures/vectors/" + relative), file: relative)
    }
}

@Suite("Conformance vectors (Fixtures/vectors) on the Swift engines")
struct ConformanceTests {
    @Test("each vector passes", arguments: VectorFiles.all)
    func vectorPasses(file: String) throws {
        let vector = try VectorFiles.load(file)
        let result = ConformanceRunner().run(vector, file: file)
        #expect(result.passed, "\(file): \(result.failure ?? "")")
    }

    @Test("at least 50 vectors, both sides, both Juju modes, leader and non-leader")
    func breadth() throws {
        let vectors = try VectorFiles.all.map(VectorFiles.load)
        #expect(vectors.count >= 50)
        #expect(Set(vectors.map(\.side)) == [.provider, .requirer])
        #expect(Set(vectors.map(\.jujuVersion.hasSecrets)) == [true, false])
        #expect(Set(vectors.map(\.leader)) == [true, false])
        #expect(vectors.contains { $0.steps.count >= 5 }, "a multi-step whole-life vector")
    }

    @Test("every rule in Specs has a vector (BAG-VALUE-STRING cannot be written as a vector: its bags are strings by format)")
    func everyRuleHasAVector() throws {
        let covered = Set(try VectorFiles.all.map(VectorFiles.load).flatMap(\.spec))
        let missing = Rule.all.map(\.id).filter { !covered.contains($0) && $0 != Rule.bagValueString.id }
        #expect(missing.isEmpty, "rules without a vector: \(missing)")
        let unknown = covered.subtracting(Rule.all.map(\.id))
        #expect(unknown.isEmpty, "vectors name unknown rules: \(unknown)")
    }

    @Test("pgclient conformance on the whole folder: all pass, last line N passed, 0 failed, exit 0")
    func cliOnFolder() throws {
        let result = ConformanceRunnerCLI().run(paths: [Repository.url("Fixtures/vectors").path])
        #expect(result.exitCode == 0, "\(result.standardOutput.suffix(2000))")
        let last = result.standardOutput.split(separator: "\n").last.map(String.init)
        #expect(last == "\(VectorFiles.all.count) passed, 0 failed")
    }

    static let base = #"""
    {"format": "pgclient-vector/0", "name": "n", "side": "requirer", "leader": true,
     "library": {"relation_name": "database", "database_name": "names_db"},
     "relation": {"id": 1, "remote_app": "pg", "remote_app_data": {}},
     "steps": [{"hook": "relation-changed", "expect": {"events": []}}]}
    """#

    @Test("unusable vector files exit 2 and name the file and the field", arguments: [
        (#""format": "pgclient-vector/0""#, #""format": "pgclient-vector/9""#, "format"),
        (#""remote_app_data": {}"#, #""remote_app_data": {"port": 5432}"#, "relation.remote_app_data.port"),
        (#""name": "n", "#, "", "name"),
        (#""hook": "relation-changed""#, #""hook": "relation-exploded""#, "steps[0].hook"),
        (#""leader": true"#, #""leader": "yes""#, "leader"),
        (#""expect": {"events": []}"#, #""expect": {}"#, "steps[0].expect.events"),
        // Found by the vector fuzz target (Fuzz/findings/vector-remote-app-is-local-app): a
        // relation of an application with itself trapped the runner.
        (#""remote_app": "pg""#, #""remote_app": "app""#, "relation.remote_app"),
        (#""remote_app_data": {}"#, #""remote_app_data": {}, "remote_units_data": {"app/1": {}}"#, "relation.remote_units_data.app/1"),
        (#""hook": "relation-changed""#, #""hook": "relation-changed", "set_remote_units_data": {"other/0": {}}"#, "steps[0].set_remote_units_data.other/0"),
    ])
    func unusable(find: String, replace: String, field: String) throws {
        let text = Self.base.replacingOccurrences(of: find, with: replace)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-vector-\(UUID().uuidString).json")
        try text.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = ConformanceRunnerCLI().run(paths: [path.path])
        #expect(result.exitCode == 2)
        #expect(result.standardError.contains(path.path), "\(result.standardError)")
        #expect(result.standardError.contains(": \(field):"), "\(result.standardError)")
        let unparsable = ConformanceRunnerCLI().run(paths: [Repository.url("README.md").path])
        #expect(unparsable.exitCode == 2)
    }

    @Test("a folder without vectors is unusable (exit 2), a folder of other JSON is searched quietly")
    func folders() throws {
        let empty = ConformanceRunnerCLI().run(paths: [Repository.url("Fixtures/databags").path])
        #expect(empty.exitCode == 2)
        #expect(empty.standardError.contains("no conformance vector found"))
        let mixed = ConformanceRunnerCLI().run(paths: [Repository.url("Fixtures").path])
        #expect(mixed.exitCode == 0, "databag fixtures beside the vectors are skipped: \(mixed.standardError)")
    }

    @Test("a failing vector prints FAIL with the step, bag, key, expected and actual, and exits 1")
    func failingVector() throws {
        let text = Self.base.replacingOccurrences(of: #""expect": {"events": []}"#, with: #""set_remote_app_data": {"database": "names_db", "username": "u", "password": "secretpw1", "endpoints": "db:5432"}, "expect": {"events": [], "local_unit_data": {}}"#)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("failing-vector-\(UUID().uuidString).json")
        try text.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = ConformanceRunnerCLI().run(paths: [path.path])
        #expect(result.exitCode == 1)
        #expect(result.standardOutput.contains("FAIL"))
        #expect(result.standardOutput.contains("step 1 (relation-changed): events: expected [], actual [\"database_created\"]"), "\(result.standardOutput)")
        #expect(result.standardOutput.hasSuffix("0 passed, 1 failed\n"))
        #expect(!result.standardOutput.contains("secretpw1"))
    }
}
