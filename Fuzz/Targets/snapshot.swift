// Fuzz target `snapshot`: the `data` snapshot reader, `Databag.snapshot(from:)`.
//
// The input is the text of a `data` value (as Juju hands it over; invalid UTF-8 is repaired the
// way `String(decoding:)` does). Invariant: whatever reads back writes back —
// `snapshot(from: snapshotText())` equals the snapshot without its `data` key — and the
// written text is the same the second time.
import JujuJSON
import PostgreSQLClient

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    guard let bag = Databag.snapshot(from: text) else { return 0 }
    let written = bag.snapshotText()
    guard let again = Databag.snapshot(from: written) else {
        invariantFailed("snapshotText() of a read snapshot does not read back: \(written)")
    }
    var expected = bag.values
    expected.removeValue(forKey: "data")
    if again.values != expected {
        invariantFailed("snapshot round trip changed the contents")
    }
    if again.snapshotText() != written {
        invariantFailed("snapshotText() is not stable: \(written) vs \(again.snapshotText())")
    }
    _ = DatabagValidator().validate(bag, as: .providerApp)
    return 0
}
