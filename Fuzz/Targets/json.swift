// Fuzz target `json`: the json-c JSON layer (JujuJSON).
//
// For any input bytes:
// - `JSONParser().parse(bytes:)` agrees with the independent oracle `ReferenceJSON` (Support/):
//   both accept or both reject, and what they read is the same, byte for byte (documents nested
//   60 deep or more may be refused as too deep by JSONParser only);
// - when the bytes are UTF-8, `parse(String)` gives the same answer as `parse(bytes:)`;
// - the fast lane `parseStringDictionary(bytes:)` agrees with `parse(bytes:)`: it succeeds exactly
//   when the document is an object of strings, with the same contents (byte for byte);
// - for anything that parsed, `parse(serialized(style:))` gives the same value back, for both
//   the `.python` and the `.compact` style; serialising is deterministic and a fixed point, and
//   the `.python` style is printable ASCII only.
import JujuJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let parser = JSONParser()

    let parsed: JSONValue?
    let parseError: JSONError?
    do { parsed = try parser.parse(bytes: bytes); parseError = nil } catch let error as JSONError {
        parsed = nil; parseError = error
    } catch {
        invariantFailed("parse threw something that is not a JSONError: \(error)")
    }

    // The oracle.
    switch ReferenceJSON.read(bytes) {
    case .value(let expected, let depth):
        if let parsed {
            if !sameJSON(parsed, expected) {
                invariantFailed("parse and the reference reader disagree\nparse:     \(parsed.serialized())\nreference: \(expected.serialized())")
            }
        } else if depth < 60 || parseError?.code != .tooDeep {
            invariantFailed("parse rejected a document the reference reader accepts (depth \(depth)): \(parseError.map { "\($0)" } ?? "?")")
        }
    case .rejected(let reason, _):
        if let parsed {
            invariantFailed("parse accepted a document the reference reader rejects (\(reason)): \(parsed.serialized())")
        }
    }

    // Bytes and text entry points agree.
    if let text = String(validating: bytes, as: UTF8.self) {
        let fromText = try? parser.parse(text)
        switch (parsed, fromText) {
        case (nil, nil): break
        case (let a?, let b?) where sameJSON(a, b): break
        default: invariantFailed("parse(String) and parse(bytes:) disagree")
        }
    }

    let dictionary: [String: String]?
    do { dictionary = try parser.parseStringDictionary(bytes: bytes) } catch { dictionary = nil }

    guard let value = parsed else {
        if let dictionary {
            invariantFailed("parseStringDictionary accepted input that parse rejected: \(dictionary.count) keys")
        }
        return 0
    }
    if !sameStrings(value.stringDictionary, dictionary) {
        invariantFailed("parseStringDictionary (\(String(describing: dictionary))) disagrees with parse (\(value.serialized()))")
    }

    for style in [JSONStyle.python, .compact] {
        let text = value.serialized(style: style)
        if !value.serialized(style: style).utf8.elementsEqual(text.utf8) {
            invariantFailed("serialized(style: \(style)) is not deterministic")
        }
        if style == .python, text.utf8.contains(where: { $0 < 0x20 || $0 > 0x7E }) {
            invariantFailed("serialized(style: .python) wrote a byte outside printable ASCII: \(text)")
        }
        let again: JSONValue
        do {
            again = try parser.parse(text)
        } catch {
            invariantFailed("serialized(style: \(style)) output does not parse: \(error)\noutput: \(text)")
        }
        if !sameJSON(again, value) {
            invariantFailed("round trip changed the value (style \(style))\nfirst:  \(value.serialized())\nsecond: \(again.serialized())")
        }
        if !again.serialized(style: style).utf8.elementsEqual(text.utf8) {
            invariantFailed("second serialisation differs (style \(style))")
        }
    }
    return 0
}
