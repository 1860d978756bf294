// Fuzz target `vector`: the conformance-vector loader, `ConformanceVector(json:file:)`
// (PostgreSQLClientTestKit). Loading may throw `VectorLoadError`; it must not crash, and loading
// the same text twice gives the same vector.
import PostgreSQLClientTestKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    let first: ConformanceVector
    do { first = try ConformanceVector(json: text, file: "fuzz-input.json") } catch {
        _ = "\(error)"
        return 0
    }
    guard let second = try? ConformanceVector(json: text, file: "fuzz-input.json"), second == first else {
        invariantFailed("loading the same vector twice gave a different result")
    }
    return 0
}
