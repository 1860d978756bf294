import JujuJSON
import PostgreSQLClient

/// What `pgclient check` does, without the process around it: input bytes in, exit code and
/// output text out. Tests drive it directly.
public struct CheckRunner: Sendable {
    /// The outcome of one check.
    public struct Result: Sendable, Hashable {
        public var exitCode: Int32
        public var standardOutput: String
        public var standardError: String
        /// The rule ids reported (violations, or the rule of an input error).
        public var ruleIDs: Set<String>
    }

    public var side: RelationSide?
    public var scope: BagScope
    public var json: Bool

    public init(side: RelationSide? = nil, scope: BagScope = .app, json: Bool = false) {
        self.side = side
        self.scope = scope
        self.json = json
    }

    public func run(input: [UInt8]) -> Result {
        let document: JSONValue
        do {
            document = try JSONParser().parse(bytes: input)
        } catch let error as JSONError {
            return Self.unusable(message: "input is not JSON: \(error.description)", json: json)
        } catch {
            return Self.unusable(message: "input is not JSON", json: json)
        }
        let report: CheckReport
        do {
            report = try DatabagCheck(side: side, scope: scope).run(document: document)
        } catch {
            return Self.unusable(message: error.description, json: json, rule: error.rule, field: error.field)
        }
        return render(report)
    }

    func render(_ report: CheckReport) -> Result {
        let code: Int32 = report.violations.isEmpty ? 0 : 1
        let ids = report.ruleIDs
        if json {
            let value: JSONValue = [
                "ok": .bool(report.violations.isEmpty),
                "bags": .number(JSONNumber(report.bagsChecked)),
                "skipped_relations": .number(JSONNumber(report.relationsSkipped)),
                "violations": .array(report.violations.map { v in
                    ["rule": .string(v.rule.id), "field": .string(v.field), "problem": .string(v.problem), "expected": .string(v.expected)]
                }),
            ]
            return Result(exitCode: code, standardOutput: value.serialized() + "\n", standardError: "", ruleIDs: ids)
        }
        var lines = report.violations.map(\.description)
        let bags = report.bagsChecked == 1 ? "1 bag" : "\(report.bagsChecked) bags"
        let skipped = report.relationsSkipped > 0 ? " (\(report.relationsSkipped) relation(s) without postgresql_client data skipped)" : ""
        if report.violations.isEmpty {
            lines.append("ok: \(bags) checked, no violations\(skipped)")
        } else {
            let count = report.violations.count == 1 ? "1 violation" : "\(report.violations.count) violations"
            lines.append("\(count) in \(bags)\(skipped)")
        }
        return Result(exitCode: code, standardOutput: lines.joined(separator: "\n") + "\n", standardError: "", ruleIDs: ids)
    }

    /// Exit 2 with a message saying what is wrong.
    public static func unusable(message: String, json: Bool, rule: Rule? = nil, field: String? = nil) -> Result {
        let ids: Set<String> = rule.map { [$0.id] } ?? []
        if json {
            var error: [String: JSONValue] = ["message": .string(message)]
            if let rule { error["rule"] = .string(rule.id) }
            if let field { error["field"] = .string(field) }
            let value: JSONValue = ["ok": false, "error": .object(error)]
            return Result(exitCode: 2, standardOutput: value.serialized() + "\n", standardError: "", ruleIDs: ids)
        }
        return Result(exitCode: 2, standardOutput: "", standardError: "pgclient check: unusable input: \(message)\n", ruleIDs: ids)
    }
}
