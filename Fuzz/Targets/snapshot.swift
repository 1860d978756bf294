// Fuzz target `snapshot`: the `data` snapshot reader, `Databag.snapshot(from:)`.
//
// The input is the text of a `data` value (as Juju hands it over; invalid UTF-8 is repaired the
// way `String(decoding:)` does). Invariants:
// - it reads exactly what the independent oracle `ReferenceJSON` (Support/) reads as a JSON
//   object of strings, byte for byte, and nothing else;
// - whatever reads back writes back: `snapshot(from: snapshotText())` equals the snapshot
//   without its `data` key, byte for byte, and the written text is the same the second time;
// - the written text is printable ASCII (Python's `json.dumps` escapes everything else) with
//   its keys in UTF-8 order.
import JujuJSON
import PostgreSQLClient

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    let read = Databag.snapshot(from: text)
    var oracle: [String: String]?
    if case .value(let value, _) = ReferenceJSON.read(text.utf8) { oracle = value.stringDictionary }
    if !sameStrings(read?.values, oracle) {
        invariantFailed("snapshot(from:) read \(read.map { "\($0.values)" } ?? "nothing"), the reference reader \(oracle.map { "\($0)" } ?? "nothing")")
    }
    guard let bag = read else { return 0 }
    let written = bag.snapshotText()
    if written.utf8.contains(where: { $0 < 0x20 || $0 > 0x7E }) {
        invariantFailed("snapshotText() is not printable ASCII: \(written)")
    }
    guard let again = Databag.snapshot(from: written) else {
        invariantFailed("snapshotText() of a read snapshot does not read back: \(written)")
    }
    var expected = bag.values
    expected.removeValue(forKey: "data")
    if !sameStrings(again.values, expected) {
        invariantFailed("snapshot round trip changed the contents")
    }
    if !again.snapshotText().utf8.elementsEqual(written.utf8) {
        invariantFailed("snapshotText() is not stable: \(written) vs \(again.snapshotText())")
    }
    // Keys in UTF-8 order: the order the reference reader meets them in must be sorted.
    if case .value(.object(let members), _) = ReferenceJSON.read(written.utf8), members.count != expected.count {
        invariantFailed("snapshotText() lost or added keys")
    }
    let keysInText = expected.keys.sorted(by: JSONValue.utf8Precedes).map { key -> String in
        var out: [UInt8] = []
        JSONValue.writeString(key, into: &out, style: .python)
        return String(decoding: out, as: UTF8.self)
    }
    var position = written.utf8.startIndex
    for key in keysInText {
        guard let range = written.utf8[position...].firstRange(of: Array(key.utf8)) else {
            invariantFailed("snapshotText() keys are not in UTF-8 order: \(written)")
        }
        position = range.upperBound
    }
    _ = DatabagValidator().validate(bag, as: .providerApp)
    return 0
}
