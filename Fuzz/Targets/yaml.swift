// Fuzz target `yaml`: JujuYAML's parser and emitter over libyaml, and Pebble's layer reader on
// the same text. Invariants:
// - `YAMLParser(...).parse(bytes:)` (small limits: 64 KiB, depth 64, 20,000 nodes) throws only
//   `YAMLError` (typed throws) with a parser code (never `.emitter`), or returns a node;
// - for a parsed node: `YAMLEmitter().emit(node)` succeeds, its text parses back (same limits,
//   any size), and the node read back has the same content:
//     * the same shape: scalars, sequences of the same length, mappings with the same pairs in
//       the same order;
//     * each scalar has the same text and the same resolved tag (`resolvedTag`: the type a
//       reader gives it: explicit tag, or str for quoted and block styles, or the YAML 1.2
//       resolution of a plain scalar), and keeps a non-standard explicit tag (`!custom`).
//       What may legitimately change is how the scalar is written, never what it is: a plain
//       string libyaml cannot write plain in that place (`a:` as a key, a character it will
//       not write unquoted) comes back quoted; libyaml picks single- or double-quoted, literal
//       or folded by what the text allows (all strings); an explicit standard tag (`!!str`,
//       `!!int`, ...) is left out when the style as written resolves to it anyway (`!!str 'a'`
//       comes back `'a'`); `!!str` on plain text that would resolve to another type comes back
//       double-quoted (`!!str 123` as `"123"`); an empty plain key (null) comes back
//       `!!null ''` (libyaml cannot write an empty plain key). A non-plain scalar never comes
//       back plain;
//     * emitting the node read back gives the same text (one emit is a fixed point);
// - `Layer(yaml:)` on the same text (as UTF-8, repaired) throws only `PebbleError` with code
//   `.invalidLayer`; a layer it reads writes YAML (`yaml()`) that reads back as an equal layer
//   (when no float in it is NaN) and writes the same text again.
import JujuYAML
import Pebble

let parser = YAMLParser(maximumBytes: 64 << 10, maximumDepth: 64, maximumNodes: 20_000)
/// The emitted text of an expanded document can be much larger than its input (aliases).
let reparser = YAMLParser(maximumBytes: 64 << 20, maximumDepth: 64, maximumNodes: 20_000)
let parseCodes: Set<YAMLError.Code> = [.syntax, .tooDeep, .tooLarge, .unknownAnchor, .duplicateKey, .invalidMerge]
let standardTags: Set<String> = [YAMLScalar.stringTag, YAMLScalar.intTag, YAMLScalar.floatTag, YAMLScalar.boolTag, YAMLScalar.nullTag]

/// The first difference between two nodes' content, or nil (see the header for what counts).
func difference(_ a: YAMLNode, _ b: YAMLNode, path: String = "$") -> String? {
    switch (a.content, b.content) {
    case (.scalar(let x), .scalar(let y)):
        if x.text != y.text { return "\(path): text \(x.text.debugDescription) became \(y.text.debugDescription)" }
        if x.resolvedTag != y.resolvedTag { return "\(path): \(x.text.debugDescription) resolved \(x.resolvedTag), now \(y.resolvedTag) (style \(x.style) tag \(x.tag ?? "none") -> style \(y.style) tag \(y.tag ?? "none"))" }
        let wasPlain = x.style == .plain || x.style == .any
        if !wasPlain && y.style == .plain { return "\(path): \(x.style) \(x.text.debugDescription) came back plain" }
        if let tag = x.tag, !standardTags.contains(tag), y.tag != tag { return "\(path): tag \(tag) became \(y.tag ?? "none")" }
        return nil
    case (.sequence(let xs), .sequence(let ys)):
        if xs.count != ys.count { return "\(path): \(xs.count) items became \(ys.count)" }
        for i in xs.indices { if let d = difference(xs[i], ys[i], path: "\(path)[\(i)]") { return d } }
        return nil
    case (.mapping(let xs), .mapping(let ys)):
        if xs.count != ys.count { return "\(path): \(xs.count) pairs became \(ys.count)" }
        for i in xs.indices {
            if let d = difference(xs[i].key, ys[i].key, path: "\(path).key[\(i)]") { return d }
            if let d = difference(xs[i].value, ys[i].value, path: "\(path).value[\(i)]") { return d }
        }
        return nil
    default:
        return "\(path): a \(a.kindName) became a \(b.kindName)"
    }
}

/// The total scalar text in a node (aliases expanded), to skip round trips of huge expansions.
func textSize(_ node: YAMLNode, limit: Int) -> Int {
    var total = 0
    var stack = [node]
    while let n = stack.popLast(), total <= limit {
        switch n.content {
        case .scalar(let s): total += s.text.utf8.count + 1
        case .sequence(let items): total += 1; stack += items
        case .mapping(let pairs): total += 1; for p in pairs { stack.append(p.key); stack.append(p.value) }
        }
    }
    return total
}

func hasNaN(_ layer: Layer) -> Bool {
    layer.services.values.contains { $0.backoffFactor?.isNaN == true }
}

// Small functions returning `Result`s: one big function mixing typed `do`/`catch` and
// `invariantFailed` autoclosures crashes swiftc 6.3.1's CopyPropagation pass at -O.

func parse(_ p: YAMLParser, _ bytes: [UInt8]) -> Result<YAMLNode?, YAMLError> {
    do throws(YAMLError) { return .success(try p.parse(bytes: bytes)) } catch { return .failure(error) }
}

func emit(_ node: YAMLNode) -> Result<String, YAMLError> {
    do throws(YAMLError) { return .success(try YAMLEmitter().emit(node)) } catch { return .failure(error) }
}

func readLayer(_ text: String) -> Result<Layer, PebbleError> {
    do throws(PebbleError) { return .success(try Layer(yaml: text)) } catch { return .failure(error) }
}

/// The emit/parse round trip of a parsed node.
func checkRoundTrip(_ node: YAMLNode) {
    let text: String
    switch emit(node) {
    case .success(let t): text = t
    case .failure(let error): invariantFailed("emit failed on a parsed node: \(error)")
    }
    let back: YAMLNode
    switch parse(reparser, Array(text.utf8)) {
    case .success(let n?): back = n
    case .success(nil): invariantFailed("the emitted text holds no document\ntext:\n\(text)")
    case .failure(let error): invariantFailed("the emitted text does not parse: \(error)\ntext:\n\(text)")
    }
    if let d = difference(node, back) { invariantFailed("emit/parse changed the node: \(d)\ntext:\n\(text)") }
    switch emit(back) {
    case .success(let again):
        if again != text { invariantFailed("emitting is not a fixed point\nfirst:\n\(text)\nsecond:\n\(again)") }
    case .failure(let error): invariantFailed("emit failed on the node read back: \(error)")
    }
}

/// `Layer(yaml:)` on the input, and its `yaml()` round trip.
func checkLayer(_ source: String) {
    let layer: Layer
    switch readLayer(source) {
    case .success(let l): layer = l
    case .failure(let error):
        if error.code != .invalidLayer { invariantFailed("Layer(yaml:) threw \(error.code): \(error)") }
        return
    }
    let written = layer.yaml()
    let reread: Layer
    switch readLayer(written) {
    case .success(let l): reread = l
    case .failure(let error): invariantFailed("a layer's yaml() does not read back: \(error)\nyaml:\n\(written)")
    }
    if !hasNaN(layer) && reread != layer {
        invariantFailed("Layer(yaml: layer.yaml()) differs\nfirst:  \(layer)\nsecond: \(reread)\nyaml:\n\(written)")
    }
    let rewritten = reread.yaml()
    if rewritten != written { invariantFailed("layer.yaml() is not a fixed point\nfirst:\n\(written)\nsecond:\n\(rewritten)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(fuzzBytes(data, size))
    switch parse(parser, bytes) {
    case .success(let node?):
        if textSize(node, limit: 1 << 20) <= 1 << 20 { checkRoundTrip(node) }
    case .success(nil):
        break
    case .failure(let error):
        if !parseCodes.contains(error.code) { invariantFailed("parse threw \(error.code): \(error)") }
    }
    checkLayer(String(decoding: bytes, as: UTF8.self))
    return 0
}
