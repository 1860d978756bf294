/// A YAML node: a scalar, a sequence or a mapping, with where it was read from.
///
/// Mappings keep their pairs in document order (YAML mappings are unordered, but error messages
/// and round trips read better in the author's order). Equality compares content only, never
/// ``mark``, so a parsed document equals the same document built in Swift.
public struct YAMLNode: Sendable, Hashable {
    /// What the node holds.
    public enum Content: Sendable, Hashable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    /// The node's content.
    public var content: Content
    /// Where the node starts in the parsed text (line 0 for nodes built in Swift).
    public var mark: YAMLMark
    /// `true` for a sequence or mapping written in flow style (`[a, b]`, `{a: 1}`); the emitter
    /// keeps it, as yaml.v3 keeps a node's style when it writes it again. Not part of equality.
    public var isFlow: Bool

    public init(_ content: Content, mark: YAMLMark = YAMLMark(), isFlow: Bool = false) {
        self.content = content
        self.mark = mark
        self.isFlow = isFlow
    }

    public static func == (a: YAMLNode, b: YAMLNode) -> Bool { a.content == b.content }
    public func hash(into hasher: inout Hasher) { hasher.combine(content) }
}

/// A key and its value in a YAML mapping.
public struct YAMLPair: Sendable, Hashable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A position in YAML text: 1-based line and column (0 when unknown).
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int = 0, column: Int = 0) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

// MARK: - Building nodes

extension YAMLNode {
    /// A string; the emitter quotes it when a reader would otherwise take it for another type.
    public static func string(_ text: String) -> YAMLNode { YAMLNode(.scalar(YAMLScalar(string: text))) }
    /// An integer, written plain.
    public static func int<I: BinaryInteger>(_ value: I) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(text: String(value), style: .plain, tag: YAMLScalar.intTag)))
    }
    /// A floating-point number, written plain (`.inf`, `-.inf` and `.nan` for the special values).
    public static func double(_ value: Double) -> YAMLNode {
        let text: String
        if value.isNaN { text = ".nan" } else if value.isInfinite { text = value < 0 ? "-.inf" : ".inf" } else { text = "\(value)" }
        return YAMLNode(.scalar(YAMLScalar(text: text, style: .plain, tag: YAMLScalar.floatTag)))
    }
    /// `true` or `false`, written plain.
    public static func bool(_ value: Bool) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(text: value ? "true" : "false", style: .plain, tag: YAMLScalar.boolTag)))
    }
    /// `null`.
    public static var null: YAMLNode { YAMLNode(.scalar(YAMLScalar(text: "null", style: .plain, tag: YAMLScalar.nullTag))) }
    /// A sequence of nodes.
    public static func sequence(_ items: [YAMLNode]) -> YAMLNode { YAMLNode(.sequence(items)) }
    /// A mapping with string keys, in the given order.
    public static func mapping(_ pairs: [(String, YAMLNode)]) -> YAMLNode {
        YAMLNode(.mapping(pairs.map { YAMLPair(key: .string($0.0), value: $0.1) }))
    }
}

// MARK: - Reading nodes

extension YAMLNode {
    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// The items, if this node is a sequence.
    public var sequenceItems: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The pairs, if this node is a mapping.
    public var mappingPairs: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// `true` for a scalar that resolves to null (`~`, `null`, an empty plain scalar).
    public var isNull: Bool { scalar?.resolvedTag == YAMLScalar.nullTag }

    /// The value of the first pair whose key is the scalar `key`, if this node is a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard let pairs = mappingPairs else { return nil }
        return pairs.first { $0.key.scalar?.text == key }?.value
    }

    /// A short name of the node's kind for error messages ("mapping", "sequence", "string", ...).
    public var kindName: String {
        switch content {
        case .mapping: return "mapping"
        case .sequence: return "sequence"
        case .scalar(let s): return s.kindName
        }
    }
}
