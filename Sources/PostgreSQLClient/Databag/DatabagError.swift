/// Why a databag could not be read, decoded or encoded.
///
/// The message names the field and, where one applies, the protocol rule; it never contains the
/// value of a sensitive field.
public struct DatabagError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The text is not JSON.
        public static let notJSON = Code(rawValue: "databag-not-json")
        /// The JSON is not an object.
        public static let notAnObject = Code(rawValue: "databag-not-object")
        /// A value is not a string.
        public static let valueNotString = Code(rawValue: "databag-value-not-string")
        /// A required field is absent.
        public static let missingField = Code(rawValue: "databag-missing-field")
        /// A field's value does not have the expected format.
        public static let invalidValue = Code(rawValue: "databag-invalid-value")
        /// A model could not be written as a databag.
        public static let unsupportedValue = Code(rawValue: "databag-unsupported-value")
    }

    public let code: Code
    /// The databag key concerned, when there is one.
    public let field: String?
    /// The protocol rule concerned, when there is one.
    public let rule: Rule?
    /// What is wrong and what to do.
    public let reason: String

    public init(_ code: Code, field: String? = nil, rule: Rule? = nil, reason: String) {
        self.code = code
        self.field = field
        self.rule = rule
        self.reason = reason
    }

    public var description: String {
        var text = ""
        if let rule { text += rule.id + " " }
        if let field { text += field + ": " }
        return text + reason
    }
}
