import ArgumentParser
import Foundation
import JujuJSON
import PostgreSQLClientTestKit

/// `pgclient conformance`: runs conformance vectors (`Specs/vector-format.md`).
public struct ConformanceCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run conformance vectors (format pgclient-vector/0) on the Swift engines.",
        discussion: """
            PATH is a vector file or a folder (every *.json in it, recursively, whose format is
            pgclient-vector/...). Prints PASS or FAIL per vector with the first difference, then
            `N passed, M failed`. Exit 0 all pass, 1 any fails, 2 an input is unusable (the
            message names the file and the field).
            """
    )

    @Flag(name: .long, help: "Print the results as JSON.")
    var json = false

    @Argument(help: "Vector files or folders.")
    var paths: [String]

    public init() {}

    public func run() throws {
        let result = ConformanceRunnerCLI(json: json).run(paths: paths)
        FileHandle.standardOutput.write(Data(result.standardOutput.utf8))
        FileHandle.standardError.write(Data(result.standardError.utf8))
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}

/// What `pgclient conformance` does, without the process around it.
public struct ConformanceRunnerCLI: Sendable {
    public var json: Bool

    public init(json: Bool = false) { self.json = json }

    public func run(paths: [String]) -> CheckRunner.Result {
        var files: [(path: String, text: String, fromFolder: Bool)] = []
        let manager = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else {
                return unusable("\(path): no such file or folder")
            }
            if isFolder.boolValue {
                let found = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }.sorted()
                for relative in found {
                    let full = (path as NSString).appendingPathComponent(relative)
                    guard let data = manager.contents(atPath: full) else { return unusable("\(full): cannot read") }
                    files.append((full, String(decoding: data, as: UTF8.self), true))
                }
            } else {
                guard let data = manager.contents(atPath: path) else { return unusable("\(path): cannot read") }
                files.append((path, String(decoding: data, as: UTF8.self), false))
            }
        }
        let suite: ConformanceSuite
        do {
            suite = try ConformanceSuite(files: files)
        } catch {
            return unusable(error.description)
        }
        let results = suite.run()
        let passed = results.filter(\.passed).count
        let failed = results.count - passed
        let code: Int32 = failed == 0 ? 0 : 1
        if json {
            let value: JSONValue = [
                "passed": .number(JSONNumber(passed)), "failed": .number(JSONNumber(failed)),
                "results": .array(results.map { r in
                    ["file": .string(r.file), "name": .string(r.name), "passed": .bool(r.passed), "difference": r.failure.map(JSONValue.string) ?? .null]
                }),
            ]
            return CheckRunner.Result(exitCode: code, standardOutput: value.serialized() + "\n", standardError: "", ruleIDs: [])
        }
        var lines = results.map { r in
            r.passed ? "PASS \(r.file): \(r.name)" : "FAIL \(r.file): \(r.name)\n     \(r.failure!)"
        }
        lines.append("\(passed) passed, \(failed) failed")
        return CheckRunner.Result(exitCode: code, standardOutput: lines.joined(separator: "\n") + "\n", standardError: "", ruleIDs: [])
    }

    func unusable(_ message: String) -> CheckRunner.Result {
        if json {
            let value: JSONValue = ["error": .string(message)]
            return CheckRunner.Result(exitCode: 2, standardOutput: value.serialized() + "\n", standardError: "", ruleIDs: [])
        }
        return CheckRunner.Result(exitCode: 2, standardOutput: "", standardError: "pgclient conformance: unusable input: \(message)\n", ruleIDs: [])
    }
}
