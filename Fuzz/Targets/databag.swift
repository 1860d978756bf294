// Fuzz target `databag`: the databag decoder of both sides' models (PostgreSQLClient).
//
// For any input bytes that parse as JSON: `Databag(jsonValue:)`, then every model
// (`ProviderAppData`, `ProviderUnitData`, `RequirerAppData`, `RequirerUnitData`) decoded from the
// bag, its `databag()` re-encoding and its (masked) description, and
// `DatabagValidator().validate(_:as:)` for every `BagKind`. Errors are fine; crashes are not.
// Invariants: validating is deterministic; the `data` snapshot of the bag reads back as the bag
// without its `data` key.
import JujuJSON
import PostgreSQLClient

@inline(never)
func exercise<M: DatabagModel>(_ type: M.Type, _ bag: Databag) {
    guard let model = try? M(databag: bag) else { return }
    _ = "\(model)"
    _ = try? model.databag()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let value = try? JSONParser().parse(bytes: fuzzBytes(data, size)) else { return 0 }
    let bag: Databag
    do { bag = try Databag(jsonValue: value) } catch { return 0 }

    exercise(ProviderAppData.self, bag)
    exercise(ProviderUnitData.self, bag)
    exercise(RequirerAppData.self, bag)
    exercise(RequirerUnitData.self, bag)
    if let request = try? RequirerAppData(databag: bag) {
        _ = try? request.databaseRequest()
        _ = request.extraUserRoleList
    }
    if let provided = try? ProviderAppData(databag: bag) {
        for group in SecretGroup.allCases { _ = provided.secretURI(for: group) }
    }

    let validator = DatabagValidator()
    for kind in BagKind.allCases {
        let violations = validator.validate(bag, as: kind)
        for violation in violations { _ = "\(violation)" }
        if validator.validate(bag, as: kind) != violations {
            invariantFailed("validate(_:as: \(kind)) is not deterministic")
        }
        _ = try? validator.require(bag, as: kind)
    }
    _ = bag.description
    _ = DatabagCheck.inferSide(bag, scope: .app)
    _ = DatabagCheck.inferSide(bag, scope: .unit)

    var withoutData = bag.values
    withoutData.removeValue(forKey: "data")
    guard let snapshot = Databag.snapshot(from: bag.snapshotText()) else {
        invariantFailed("snapshotText() does not read back: \(bag.snapshotText())")
    }
    if snapshot.values != withoutData {
        invariantFailed("snapshot round trip changed the bag")
    }
    return 0
}
