import CYAML

/// Writes a ``YAMLNode`` as YAML text through libyaml's emitter (no Foundation).
///
/// Block style (flow only for nodes parsed from flow style, ``YAMLNode/isFlow``), `indent` spaces per level (Go's yaml.v3, which writes Pebble's
/// plan, uses 4), lines never folded. A string the reader would take for another type (`"8000"`,
/// `"true"`, `"yes"`, `"~"`, `"2024-01-01"`) is double-quoted, so YAML 1.1 readers such as PyYAML
/// (ops) and YAML 1.2 readers such as yaml.v3 (Pebble) both read it back as a string; a string
/// with line breaks is written as a literal block.
public struct YAMLEmitter: Sendable {
    /// Spaces per nesting level (2 to 9, as libyaml allows).
    public var indent: Int

    public init(indent: Int = 4) {
        self.indent = indent
    }

    /// The node as a YAML document (no `---` marker, except for a document that is only an empty
    /// null scalar: `--- `), ending in a line break.
    public func emit(_ node: YAMLNode) throws(YAMLError) -> String {
        let emitter = UnsafeMutablePointer<yaml_emitter_t>.allocate(capacity: 1)
        defer { emitter.deallocate() }
        guard yaml_emitter_initialize(emitter) == 1 else {
            throw YAMLError(.emitter, reason: "cannot initialise the YAML emitter (out of memory)")
        }
        defer { yaml_emitter_delete(emitter) }
        let output = OutputBuffer()
        let box = Unmanaged.passRetained(output)
        defer { box.release() }
        yaml_emitter_set_output(emitter, { data, buffer, size in
            guard let data, let buffer else { return 1 }
            let out = Unmanaged<OutputBuffer>.fromOpaque(data).takeUnretainedValue()
            out.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, box.toOpaque())
        yaml_emitter_set_indent(emitter, Int32(indent))
        yaml_emitter_set_width(emitter, -1)
        yaml_emitter_set_unicode(emitter, 1)

        var event = yaml_event_t()
        try check(emitter, yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING), &event)
        // A document that is only an empty plain scalar (null) would be written as nothing, which
        // reads back as no document at all: that one gets its `---` marker.
        var implicitStart: Int32 = 1
        if let root = node.scalar, root.text.isEmpty, root.style == .plain || root.style == .any,
           root.resolvedTag == YAMLScalar.nullTag {
            implicitStart = 0
        }
        try check(emitter, yaml_document_start_event_initialize(&event, nil, nil, nil, implicitStart), &event)
        // Iterative walk: a stack of (node, next child index).
        var stack: [(node: YAMLNode, index: Int)] = [(node, -1)]
        while var top = stack.popLast() {
            switch top.node.content {
            case .scalar(let scalar):
                // A scalar is a mapping key when its parent is a mapping at an odd index (the
                // parent's index already counts this child).
                let isKey = stack.last.map { parent in
                    if case .mapping = parent.node.content { return parent.index % 2 == 1 }
                    return false
                } ?? false
                // libyaml cannot write an empty plain scalar in a flow collection either.
                let inFlow = stack.contains { $0.node.isFlow }
                try emitScalar(scalar, isKey: isKey || inFlow, emitter, &event)
            case .sequence(let items):
                if top.index < 0 {
                    try check(emitter, yaml_sequence_start_event_initialize(&event, nil, nil, 1, top.node.isFlow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE), &event)
                    top.index = 0
                }
                if top.index < items.count {
                    let child = items[top.index]
                    top.index += 1
                    stack.append(top)
                    stack.append((child, -1))
                } else {
                    try check(emitter, yaml_sequence_end_event_initialize(&event), &event)
                }
            case .mapping(let pairs):
                if top.index < 0 {
                    try check(emitter, yaml_mapping_start_event_initialize(&event, nil, nil, 1, top.node.isFlow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE), &event)
                    top.index = 0
                }
                // index counts keys and values: even = key, odd = value.
                if top.index < pairs.count * 2 {
                    let pair = pairs[top.index / 2]
                    let child = top.index % 2 == 0 ? pair.key : pair.value
                    top.index += 1
                    stack.append(top)
                    stack.append((child, -1))
                } else {
                    try check(emitter, yaml_mapping_end_event_initialize(&event), &event)
                }
            }
        }
        try check(emitter, yaml_document_end_event_initialize(&event, 1), &event)
        try check(emitter, yaml_stream_end_event_initialize(&event), &event)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    /// The standard tags: left out of the text whenever the scalar as written resolves to them.
    private static let standardTags: Set<String> = [YAMLScalar.stringTag, YAMLScalar.intTag, YAMLScalar.floatTag,
                                                    YAMLScalar.boolTag, YAMLScalar.nullTag]

    /// Writes one scalar so that it reads back with the same text and the same resolved type:
    /// an explicit tag is kept, in the text (`!!int abc`, `!custom x`) unless the scalar as
    /// written resolves to it anyway (`!!str` on `'a'`, `!!int` on plain `5`); `!!str` on plain
    /// text that would resolve to another type (`123`, `true`, `~`) is written double-quoted instead.
    private func emitScalar(_ scalar: YAMLScalar, isKey: Bool, _ emitter: UnsafeMutablePointer<yaml_emitter_t>,
                            _ event: inout yaml_event_t) throws(YAMLError) {
        var style = YAML_ANY_SCALAR_STYLE
        var tag: String? = nil
        var implicit: Int32 = 1
        switch scalar.style {
        case .plain: style = YAML_PLAIN_SCALAR_STYLE
        case .singleQuoted: style = YAML_SINGLE_QUOTED_SCALAR_STYLE
        case .doubleQuoted: style = YAML_DOUBLE_QUOTED_SCALAR_STYLE
        case .literal: style = YAML_LITERAL_SCALAR_STYLE
        case .folded: style = YAML_FOLDED_SCALAR_STYLE
        case .any:
            let resolved = scalar.resolvedTag
            if resolved == YAMLScalar.stringTag {
                if scalar.text.utf8.contains(UInt8(ascii: "\n")) {
                    style = YAML_LITERAL_SCALAR_STYLE
                } else if YAMLScalar.needsQuotesAsString(scalar.text) {
                    style = YAML_DOUBLE_QUOTED_SCALAR_STYLE
                }
            } else if [YAMLScalar.intTag, YAMLScalar.floatTag, YAMLScalar.boolTag, YAMLScalar.nullTag].contains(resolved) {
                style = YAML_PLAIN_SCALAR_STYLE
            }
        }
        if let explicit = scalar.tag {
            if !Self.standardTags.contains(explicit) {
                tag = explicit
                implicit = 0
            } else {
                // What a reader makes of the scalar without its tag: plain text is resolved,
                // anything quoted or in a block is a string.
                let plain = style == YAML_PLAIN_SCALAR_STYLE || style == YAML_ANY_SCALAR_STYLE
                let asWritten = plain ? YAMLScalar.resolvePlain(scalar.text) : YAMLScalar.stringTag
                if asWritten != explicit {
                    if explicit == YAMLScalar.stringTag {
                        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE
                    } else {
                        tag = explicit
                        implicit = 0
                    }
                }
            }
        }
        // libyaml cannot write an empty plain scalar as a mapping key or inside a flow collection:
        // it single-quotes it, which reads back as a string. Such a null stays null as `!!null ''`.
        if isKey, tag == nil, scalar.text.isEmpty, style == YAML_PLAIN_SCALAR_STYLE || style == YAML_ANY_SCALAR_STYLE,
           scalar.resolvedTag == YAMLScalar.nullTag {
            tag = YAMLScalar.nullTag
            implicit = 0
        }
        let text = Array(scalar.text.utf8)
        let result: Int32 = text.withUnsafeBufferPointer { value in
            var empty: UInt8 = 0
            let base = value.baseAddress ?? withUnsafePointer(to: &empty) { $0 }
            if let tag {
                return tag.withCString { t in
                    yaml_scalar_event_initialize(&event, nil, UnsafeRawPointer(t).assumingMemoryBound(to: yaml_char_t.self),
                                                 base, Int32(value.count), implicit, implicit, style)
                }
            }
            return yaml_scalar_event_initialize(&event, nil, nil, base, Int32(value.count), implicit, implicit, style)
        }
        try check(emitter, result, &event)
    }

    private func check(_ emitter: UnsafeMutablePointer<yaml_emitter_t>, _ initialised: Int32,
                       _ event: inout yaml_event_t) throws(YAMLError) {
        guard initialised == 1 else { throw YAMLError(.emitter, reason: "cannot build a YAML event (out of memory)") }
        // yaml_emitter_emit takes the event over, also when it fails.
        guard yaml_emitter_emit(emitter, &event) == 1 else {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown error"
            throw YAMLError(.emitter, reason: problem)
        }
    }
}

/// The emitter's output, filled by libyaml's write callback.
private final class OutputBuffer {
    var bytes: [UInt8] = []
}
