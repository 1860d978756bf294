/// One broken rule in one databag.
public struct Violation: Sendable, Hashable, CustomStringConvertible {
    public let rule: Rule
    /// The key (or, for documents, the path to it) that breaks the rule.
    public var field: String
    /// What is wrong. Never contains the value of a sensitive field.
    public let problem: String
    /// What would be right.
    public let expected: String

    public init(_ rule: Rule, field: String, problem: String, expected: String) {
        self.rule = rule
        self.field = field
        self.problem = problem
        self.expected = expected
    }

    init(_ rule: Rule, field: String, _ error: FormatError) {
        self.init(rule, field: field, problem: error.problem, expected: error.expected)
    }

    /// `RULE-ID field: what is wrong; expected what`.
    public var description: String { "\(rule.id) \(field): \(problem); expected \(expected)" }

    /// The same violation with its field placed under `prefix` (for documents holding many bags).
    public func located(under prefix: String) -> Violation {
        var copy = self
        copy.field = prefix + "/" + field
        return copy
    }
}
