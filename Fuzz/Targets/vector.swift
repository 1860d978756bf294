// Fuzz target `vector`: the conformance-vector loader, `ConformanceVector(json:file:)`
// (PostgreSQLClientTestKit), and the runner behind `pgclient conformance` on what it loads.
// Loading may throw `VectorLoadError`; it must not crash. Invariants:
// - loading the same text twice gives the same vector;
// - the loader reads the JSON value, not its spelling: the document re-serialised (compact, and
//   Python style) loads as the same vector, and a text the loader accepts is JSON;
// - every load error names the file it was given;
// - a loaded vector runs on the in-memory Juju (`ConformanceRunner`) without crashing, and the
//   result carries the vector's name.
import JujuJSON
import PostgreSQLClientTestKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    let first: ConformanceVector
    do { first = try ConformanceVector(json: text, file: "fuzz-input.json") } catch {
        if error.file != "fuzz-input.json" || !error.description.hasPrefix("fuzz-input.json: ") {
            invariantFailed("a load error does not name the file: \(error)")
        }
        return 0
    }
    guard let second = try? ConformanceVector(json: text, file: "fuzz-input.json"), second == first else {
        invariantFailed("loading the same vector twice gave a different result")
    }
    guard let document = try? JSONParser().parse(text) else {
        invariantFailed("the loader accepted text that is not JSON")
    }
    for style in [JSONStyle.compact, .python] {
        guard let respelled = try? ConformanceVector(json: document.serialized(style: style), file: "x"), respelled == first else {
            invariantFailed("the vector re-serialised (\(style)) loads differently")
        }
    }
    let result = ConformanceRunner().run(first, file: "fuzz-input.json")
    if result.name != first.name || result.file != "fuzz-input.json" {
        invariantFailed("the runner's result does not name the vector")
    }
    return 0
}
