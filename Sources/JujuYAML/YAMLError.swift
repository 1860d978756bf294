/// Why YAML could not be read or written.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The text is not well-formed YAML (libyaml's parser refused it).
        public static let syntax = Code(rawValue: "yaml-syntax")
        /// Nesting deeper than the parser's `maximumDepth`.
        public static let tooDeep = Code(rawValue: "yaml-too-deep")
        /// More bytes than `maximumBytes`, or more nodes than `maximumNodes` once aliases are expanded.
        public static let tooLarge = Code(rawValue: "yaml-too-large")
        /// An alias names an anchor not defined before it.
        public static let unknownAnchor = Code(rawValue: "yaml-unknown-anchor")
        /// A mapping defines the same key twice.
        public static let duplicateKey = Code(rawValue: "yaml-duplicate-key")
        /// A `<<` merge key whose value is not a mapping or a sequence of mappings.
        public static let invalidMerge = Code(rawValue: "yaml-invalid-merge")
        /// libyaml's emitter refused a node.
        public static let emitter = Code(rawValue: "yaml-emitter")
    }

    public let code: Code
    /// What went wrong, in yaml.v3's words where there is an equivalent.
    public let reason: String
    /// Where, when known (1-based).
    public let mark: YAMLMark?
    /// The line yaml.v3 names for this error, when it differs from ``mark`` (for syntax errors
    /// yaml.v3 names the line of the construct being read, counted in its own way); 0: none.
    public let reportedLine: Int?

    public init(_ code: Code, reason: String, mark: YAMLMark? = nil, reportedLine: Int? = nil) {
        self.code = code
        self.reason = reason
        self.mark = mark
        self.reportedLine = reportedLine
    }

    /// `yaml: line N: <reason>`, as Go's yaml.v3 writes its errors (Pebble passes them on).
    public var description: String {
        let line = reportedLine ?? mark?.line ?? 0
        if line > 0 { return "yaml: line \(line): \(reason)" }
        return "yaml: \(reason)"
    }
}
