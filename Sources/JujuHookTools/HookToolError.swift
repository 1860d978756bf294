/// A hook tool refused, failed or could not be run.
public struct HookToolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Juju refused: e.g. a non-leader touching its application bag.
        public static let permissionDenied = Code(rawValue: "permission-denied")
        /// The relation id is not known to Juju (or the relation is gone).
        public static let relationNotFound = Code(rawValue: "relation-not-found")
        /// The secret does not exist or is not visible to this unit.
        public static let secretNotFound = Code(rawValue: "secret-not-found")
        /// The tool is not on `PATH`.
        public static let toolMissing = Code(rawValue: "tool-missing")
        /// The tool exited non-zero for another reason.
        public static let toolFailed = Code(rawValue: "tool-failed")
        /// The tool printed something that is not what it should print.
        public static let invalidOutput = Code(rawValue: "invalid-output")
        /// The arguments are not acceptable (for example a value Juju cannot store).
        public static let invalidArgument = Code(rawValue: "invalid-argument")
    }

    public let code: Code
    /// The tool, e.g. `relation-get`.
    public let tool: String
    /// What went wrong, and what to do about it.
    public let message: String

    public init(_ code: Code, tool: String, message: String) {
        self.code = code
        self.tool = tool
        self.message = message
    }

    public var description: String { "\(tool): \(message) [\(code)]" }
}
