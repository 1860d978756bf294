import CYAML

/// Reads YAML text into a ``YAMLNode`` tree through libyaml's event parser (no Foundation).
///
/// Only the first document of a stream is read, as Go's `yaml.Unmarshal` does; the rest of the
/// stream must still be well-formed. Anchors and
/// aliases are expanded (bounded by ``maximumNodes``, so a "billion laughs" document fails
/// cleanly), `<<` merge keys are applied, and a mapping that defines a key twice is refused, as
/// yaml.v3 refuses it. Bad input always throws a ``YAMLError``; the parser never traps.
public struct YAMLParser: Sendable {
    /// The most bytes accepted.
    public var maximumBytes: Int
    /// The deepest nesting of sequences and mappings accepted.
    public var maximumDepth: Int
    /// The most nodes a document may hold once its aliases are expanded.
    public var maximumNodes: Int

    public init(maximumBytes: Int = 16 << 20, maximumDepth: Int = 256, maximumNodes: Int = 1_000_000) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
    }

    /// Parses the first document of `text`; `nil` when the stream holds no document.
    public func parse(_ text: String) throws(YAMLError) -> YAMLNode? {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses the first document of UTF-8 `bytes`; `nil` when the stream holds no document.
    public func parse(bytes: [UInt8]) throws(YAMLError) -> YAMLNode? {
        guard bytes.count <= maximumBytes else {
            throw YAMLError(.tooLarge, reason: "document of \(bytes.count) bytes is over the limit of \(maximumBytes)")
        }
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLError(.syntax, reason: "cannot initialise the YAML parser (out of memory)")
        }
        defer { yaml_parser_delete(parser) }
        let result: Result<YAMLNode?, YAMLError> = bytes.withUnsafeBufferPointer { buffer in
            // libyaml reads an empty input from a non-nil pointer only.
            var empty: UInt8 = 0
            let base = buffer.baseAddress ?? withUnsafePointer(to: &empty) { $0 }
            yaml_parser_set_input_string(parser, base, buffer.count)
            var builder = TreeBuilder(limits: self)
            do throws(YAMLError) {
                return .success(try builder.run(parser))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Builds the tree from libyaml events with an explicit stack (no recursion on input depth).
///
/// Linear in the size of the document: the collection being built is extended in place on the
/// stack (no copy per item), and a mapping finds a duplicate key through a table of the scalar
/// keys it has, not by comparing each new key with all earlier ones.
private struct TreeBuilder {
    /// A sequence or a mapping being read.
    struct Frame {
        var isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        /// A mapping's key read, waiting for its value.
        var key: YAMLNode?
        /// A mapping's scalar keys (their text, as yaml.v3 compares them) and their lines.
        var keyLines: [String: Int] = [:]
        var mark: YAMLMark
        var anchor: String?
        /// Written in flow style (`[a, b]`, `{a: 1}`).
        var isFlow: Bool
        /// Nodes in the collection so far, itself included.
        var count = 1

        init(isMapping: Bool, mark: YAMLMark, anchor: String?, isFlow: Bool) {
            self.isMapping = isMapping
            self.mark = mark
            self.anchor = anchor
            self.isFlow = isFlow
        }
    }

    let limits: YAMLParser
    var stack: [Frame] = []
    var anchors: [String: (node: YAMLNode, count: Int)] = [:]
    var nodes = 0
    var document: YAMLNode?
    var done = false

    init(limits: YAMLParser) { self.limits = limits }

    mutating func run(_ parser: UnsafeMutablePointer<yaml_parser_t>) throws(YAMLError) -> YAMLNode? {
        var event = yaml_event_t()
        while !done {
            guard yaml_parser_parse(parser, &event) == 1 else {
                throw Self.parserError(parser)
            }
            defer { yaml_event_delete(&event) }
            let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                done = true
            case YAML_DOCUMENT_END_EVENT:
                try skipRest(parser)
                done = true
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = Self.string(s.value, length: Int(s.length))
                let tag = Self.optionalString(s.tag).map(Self.expandTag)
                let style: YAMLScalar.Style
                switch s.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .plain
                }
                let node = YAMLNode(.scalar(YAMLScalar(text: text, style: style, tag: tag)), mark: mark)
                try count(1, mark: mark)
                try add(node, count: 1, anchor: Self.optionalString(s.anchor))
            case YAML_ALIAS_EVENT:
                let name = Self.optionalString(event.data.alias.anchor) ?? ""
                guard let target = anchors[name] else {
                    throw YAMLError(.unknownAnchor, reason: "unknown anchor '\(name)' referenced", mark: mark)
                }
                var node = target.node
                node.mark = mark
                try count(target.count, mark: mark) // an alias expands to a copy of the whole subtree
                try add(node, count: target.count, anchor: nil)
            case YAML_SEQUENCE_START_EVENT:
                try push(Frame(isMapping: false, mark: mark, anchor: Self.optionalString(event.data.sequence_start.anchor),
                               isFlow: event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE), mark: mark)
            case YAML_MAPPING_START_EVENT:
                try push(Frame(isMapping: true, mark: mark, anchor: Self.optionalString(event.data.mapping_start.anchor),
                               isFlow: event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE), mark: mark)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { break }
                if frame.isMapping {
                    let merged = try Self.applyMerges(frame.pairs)
                    try add(YAMLNode(.mapping(merged), mark: frame.mark, isFlow: frame.isFlow), count: frame.count, anchor: frame.anchor)
                } else {
                    try add(YAMLNode(.sequence(frame.items), mark: frame.mark, isFlow: frame.isFlow), count: frame.count, anchor: frame.anchor)
                }
            default:
                break // stream and document starts
            }
        }
        return document
    }

    /// Reads the events after the first document, only for their syntax.
    func skipRest(_ parser: UnsafeMutablePointer<yaml_parser_t>) throws(YAMLError) {
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else { throw Self.parserError(parser) }
            let end = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            if end { return }
        }
    }

    mutating func push(_ frame: Frame, mark: YAMLMark) throws(YAMLError) {
        guard stack.count < limits.maximumDepth else {
            throw YAMLError(.tooDeep, reason: "nesting deeper than \(limits.maximumDepth) levels", mark: mark)
        }
        try count(1, mark: mark)
        stack.append(frame)
    }

    mutating func count(_ n: Int, mark: YAMLMark) throws(YAMLError) {
        nodes += n
        guard nodes <= limits.maximumNodes else {
            throw YAMLError(.tooLarge, reason: "document contains excessive aliasing or more than \(limits.maximumNodes) nodes", mark: mark)
        }
    }

    /// Adds a finished node to the collection being built, or makes it the document.
    /// `subtree` is the number of nodes in `node` (itself included), kept for anchors so that an
    /// alias counts what it expands to. Callers have already counted the nodes themselves.
    mutating func add(_ node: YAMLNode, count subtree: Int, anchor: String?) throws(YAMLError) {
        if let anchor { anchors[anchor] = (node, max(subtree, 1)) }
        let top = stack.count - 1
        guard top >= 0 else {
            document = node
            return
        }
        // In place: `stack[top]` is extended without copying what it holds.
        stack[top].count += subtree
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].key else {
            stack[top].key = node
            return
        }
        // yaml.v3 compares a key's kind and text only (not its style or tag): `p`, `'p'` and
        // `!!str p` are the same key, and so are `1` and `"1"`. Merge keys (`<<`) may repeat.
        if let scalar = key.scalar {
            if let line = stack[top].keyLines[scalar.text] {
                if scalar.resolvedTag != YAMLScalar.mergeTag {
                    throw YAMLError(.duplicateKey, reason: "mapping key \"\(scalar.text)\" already defined at line \(line)", mark: key.mark)
                }
            } else {
                stack[top].keyLines[scalar.text] = key.mark.line
            }
        }
        stack[top].pairs.append(YAMLPair(key: key, value: node))
        stack[top].key = nil
    }

    /// Applies `<<` merge keys: the merged mappings' pairs whose keys the mapping does not set
    /// itself, earlier merged mappings winning over later ones.
    static func applyMerges(_ pairs: [YAMLPair]) throws(YAMLError) -> [YAMLPair] {
        guard pairs.contains(where: { $0.key.scalar?.resolvedTag == YAMLScalar.mergeTag }) else { return pairs }
        var explicit: [YAMLPair] = []
        var sources: [[YAMLPair]] = []
        for pair in pairs {
            guard pair.key.scalar?.resolvedTag == YAMLScalar.mergeTag else {
                explicit.append(pair)
                continue
            }
            switch pair.value.content {
            case .mapping(let merged):
                sources.append(merged)
            case .sequence(let items):
                for item in items {
                    guard case .mapping(let merged) = item.content else {
                        throw YAMLError(.invalidMerge, reason: "map merge requires map or sequence of maps as the value", mark: item.mark)
                    }
                    sources.append(merged)
                }
            default:
                throw YAMLError(.invalidMerge, reason: "map merge requires map or sequence of maps as the value", mark: pair.value.mark)
            }
        }
        // Keys are the same as for duplicates: scalars by their text, other keys by their content.
        var scalarKeys = Set<String>()
        var otherKeys = Set<YAMLNode>()
        func isNew(_ key: YAMLNode) -> Bool {
            if let scalar = key.scalar { return scalarKeys.insert(scalar.text).inserted }
            return otherKeys.insert(key).inserted
        }
        var result: [YAMLPair] = []
        for pair in explicit {
            _ = isNew(pair.key)
            result.append(pair)
        }
        for source in sources {
            for pair in source where isNew(pair.key) { result.append(pair) }
        }
        return result
    }

    /// libyaml's error in yaml.v3's words: the problem alone (no context), after the line yaml.v3
    /// reports (`fail()` in its decoder: the context mark's line if it is not the first, else the
    /// problem mark's; both counted from 0, plus one for a scanner error). ``YAMLError/mark`` keeps
    /// where the problem really is (1-based).
    static func parserError(_ parser: UnsafeMutablePointer<yaml_parser_t>) -> YAMLError {
        let problem = parser.pointee.problem.map { String(cString: $0) } ?? "unknown problem parsing YAML content"
        let m = parser.pointee.problem_mark
        let mark = YAMLMark(line: Int(m.line) + 1, column: Int(m.column) + 1)
        if parser.pointee.error == YAML_READER_ERROR {
            return YAMLError(.syntax, reason: problem, mark: nil)
        }
        let scanner = parser.pointee.error == YAML_SCANNER_ERROR ? 1 : 0
        var line = 0
        if parser.pointee.context_mark.line != 0 {
            line = Int(parser.pointee.context_mark.line) + scanner
        } else if m.line != 0 {
            line = Int(m.line) + scanner
        }
        return YAMLError(.syntax, reason: problem, mark: mark, reportedLine: line)
    }

    static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    static func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    /// libyaml already expands `!!x` to `tag:yaml.org,2002:x`; other tags stay as written.
    static func expandTag(_ tag: String) -> String { tag }
}
