// Fuzz target `json`: the json-c JSON layer (JujuJSON).
//
// For any input bytes:
// - `JSONParser().parse(bytes:)` may throw, but must not crash;
// - for anything that parsed, `parse(serialized(style:))` gives the same value back, for both
//   the `.python` and the `.compact` style, and serialising is deterministic;
// - the fast lane `parseStringDictionary(bytes:)` agrees with `parse(bytes:)`: it succeeds exactly
//   when the document is an object of strings, with the same contents.
import JujuJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let parser = JSONParser()

    let parsed: JSONValue?
    do { parsed = try parser.parse(bytes: bytes) } catch { parsed = nil }

    let dictionary: [String: String]?
    do { dictionary = try parser.parseStringDictionary(bytes: bytes) } catch { dictionary = nil }

    guard let value = parsed else {
        if let dictionary {
            invariantFailed("parseStringDictionary accepted input that parse rejected: \(dictionary.count) keys")
        }
        return 0
    }
    if value.stringDictionary != dictionary {
        invariantFailed("parseStringDictionary (\(String(describing: dictionary))) disagrees with parse (\(value.serialized()))")
    }

    for style in [JSONStyle.python, .compact] {
        let text = value.serialized(style: style)
        if value.serialized(style: style) != text {
            invariantFailed("serialized(style: \(style)) is not deterministic")
        }
        let again: JSONValue
        do {
            again = try parser.parse(text)
        } catch {
            invariantFailed("serialized(style: \(style)) output does not parse: \(error)\noutput: \(text)")
        }
        if again != value {
            invariantFailed("round trip changed the value (style \(style))\nfirst:  \(value.serialized())\nsecond: \(again.serialized())")
        }
        if again.serialized(style: style) != text {
            invariantFailed("second serialisation differs (style \(style))")
        }
    }
    return 0
}
