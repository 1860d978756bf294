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
    /// Where, when known.
    public let mark: YAMLMark?

    public init(_ code: Code, reason: String, mark: YAMLMark? = nil) {
        self.code = code
        self.reason = reason
        self.mark = mark
    }

    /// `yaml: line N: <reason>`, as Go's yaml.v3 writes its errors.
    public var description: String {
        if let mark, mark.line > 0 { return "yaml: line \(mark.line): \(reason)" }
        return "yaml: \(reason)"
    }
}
