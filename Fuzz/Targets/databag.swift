// Fuzz target `databag`: the databag decoder of both sides' models (PostgreSQLClient).
//
// For any input bytes that parse as a JSON object of strings: every model (`ProviderAppData`,
// `ProviderUnitData`, `RequirerAppData`, `RequirerUnitData`) decoded from the bag, its
// `databag()` re-encoding, its (masked) description, and `DatabagValidator().validate(_:as:)` for
// every `BagKind`. Errors are fine; crashes are not. Invariants:
// - a decoded model always re-encodes; the re-encoded bag decodes again and re-encodes to the
//   same bag, byte for byte (a fixed point);
// - a bag that validates cleanly as a kind, decoded as that kind's model and re-encoded, still
//   validates cleanly;
// - masking: a model's description, debug description and `dump` do not change when its
//   passwords, URIs' passwords and `data` snapshot are replaced by other text; the same for the
//   bag's description and `dump` when the values of every sensitive key are replaced; no
//   violation problem or decoding error quotes the value of a sensitive key;
// - validation is deterministic; `Databag.snapshot(from: bag.snapshotText())` is the bag without
//   `data`.
import JujuJSON
import PostgreSQLClient

/// The same length in UTF-8 bytes, other text (never equal to `text` unless it is empty).
func replacement(for text: String) -> String {
    let filler: Character = text.first == "Z" ? "Y" : "Z"
    return String(repeating: filler, count: text.utf8.count)
}

/// Everything a value prints about itself.
func printed(_ value: Any) -> String {
    var dumped = ""
    dump(value, to: &dumped)
    return "\(value)\n\(String(reflecting: value))\n\(dumped)"
}

/// A model whose secrets can be swapped for other text, to check that printing hides them.
protocol SecretCarrying {
    func withSecretsReplaced() -> Self
}

extension ProviderAppData: SecretCarrying {
    func withSecretsReplaced() -> ProviderAppData {
        var copy = self
        copy.password = password.map(replacement(for:))
        copy.entityPassword = entityPassword.map(replacement(for:))
        copy.uris?.password = uris?.password.map(replacement(for:))
        copy.readOnlyURIs?.password = readOnlyURIs?.password.map(replacement(for:))
        copy.data = data.map { $0.mapValues(replacement(for:)) }
        return copy
    }
}

extension RequirerUnitData: SecretCarrying {
    func withSecretsReplaced() -> RequirerUnitData {
        var copy = self
        copy.data = data.map { $0.mapValues(replacement(for:)) }
        return copy
    }
}

/// Fails when `text` quotes the value of one of the bag's sensitive keys (long values only:
/// short ones can appear by chance in fixed wording, keys or other values).
/// The fixed wording of URI errors: a value that is part of it (`postgresql`, say, found by this
/// target as a `uris` of exactly that text) shows up in the message without being quoted.
let fixedURIWording = "postgresql://[user[:password]@]host[:port][,host[:port]...][/database][?key=value&...] "
    + "scheme is not postgresql:// or postgres://"

func checkNoSensitiveValue(in text: String, bag: Databag, what: String) {
    let others = bag.values.filter { !SensitiveFields.isSensitive($0.key) }
    for (key, value) in bag.values where SensitiveFields.isSensitive(key) && value.utf8.count >= 10 {
        if others.contains(where: { $0.key.contains(value) || $0.value.contains(value) }) { continue }
        if fixedURIWording.contains(value) { continue }
        if text.contains(value) {
            invariantFailed("\(what) quotes the value of the sensitive key \(key): \(text)")
        }
    }
}

@inline(never)
func exercise<M: DatabagModel & Hashable>(_ type: M.Type, _ bag: Databag, kind: BagKind, cleanBefore: Bool) {
    let model: M
    do { model = try M(databag: bag) } catch {
        if let error = error as? DatabagError {
            checkNoSensitiveValue(in: error.description, bag: bag, what: "a decoding error of \(M.self)")
        } else {
            invariantFailed("decoding \(M.self) threw something that is not a DatabagError: \(error)")
        }
        return
    }
    let encoded: Databag
    do { encoded = try model.databag() } catch {
        invariantFailed("a decoded \(M.self) does not re-encode: \(error)")
    }
    let again: M
    do { again = try M(databag: encoded) } catch {
        invariantFailed("the re-encoded \(M.self) bag does not decode: \(error)\nbag: \(encoded.json())")
    }
    guard let encodedAgain = try? again.databag(), sameStrings(encodedAgain.values, encoded.values) else {
        invariantFailed("re-encoding \(M.self) is not a fixed point\nfirst:  \(encoded.json())\nsecond: \((try? again.databag().json()) ?? "throws")")
    }
    if cleanBefore {
        let violations = DatabagValidator().validate(encoded, as: kind)
        if !violations.isEmpty {
            invariantFailed("a clean \(kind) bag, decoded as \(M.self) and re-encoded, breaks \(violations.map(\.description))\nbefore: \(bag.json())\nafter:  \(encoded.json())")
        }
    }
    if let carrier = model as? any SecretCarrying {
        let other = carrier.withSecretsReplaced()
        if printed(model) != printed(other) {
            invariantFailed("printing \(M.self) depends on its secrets:\n\(printed(model))")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let value = try? JSONParser().parse(bytes: fuzzBytes(data, size)) else { return 0 }
    let bag: Databag
    do { bag = try Databag(jsonValue: value) } catch { return 0 }

    let validator = DatabagValidator()
    var clean: [BagKind: Bool] = [:]
    for kind in BagKind.allCases {
        let violations = validator.validate(bag, as: kind)
        for violation in violations {
            checkNoSensitiveValue(in: violation.problem, bag: bag, what: "violation \(violation.rule.id)")
        }
        if validator.validate(bag, as: kind) != violations {
            invariantFailed("validate(_:as: \(kind)) is not deterministic")
        }
        do throws(ValidationError) {
            try validator.require(bag, as: kind)
            if !violations.isEmpty { invariantFailed("require(_:as:) accepted a bag with violations") }
        } catch {
            if error.violations != violations { invariantFailed("require(_:as:) and validate(_:as:) disagree") }
        }
        clean[kind] = violations.isEmpty
    }

    exercise(ProviderAppData.self, bag, kind: .providerApp, cleanBefore: clean[.providerApp]!)
    exercise(ProviderUnitData.self, bag, kind: .providerUnit, cleanBefore: clean[.providerUnit]!)
    exercise(RequirerAppData.self, bag, kind: .requirerApp, cleanBefore: clean[.requirerApp]!)
    exercise(RequirerUnitData.self, bag, kind: .requirerUnit, cleanBefore: clean[.requirerUnit]!)
    if let request = try? RequirerAppData(databag: bag) {
        _ = try? request.databaseRequest()
        _ = request.extraUserRoleList
    }
    if let provided = try? ProviderAppData(databag: bag) {
        for group in SecretGroup.allCases { _ = provided.secretURI(for: group) }
    }

    // The bag's own printing hides sensitive values.
    var masked = bag
    for (key, value) in bag.values where SensitiveFields.isSensitive(key) && !value.isEmpty { masked[key] = replacement(for: value) }
    if printed(bag) != printed(masked) {
        invariantFailed("printing a Databag depends on the values of sensitive keys:\n\(printed(bag))")
    }
    _ = DatabagCheck.inferSide(bag, scope: .app)
    _ = DatabagCheck.inferSide(bag, scope: .unit)

    var withoutData = bag.values
    withoutData.removeValue(forKey: "data")
    guard let snapshot = Databag.snapshot(from: bag.snapshotText()) else {
        invariantFailed("snapshotText() does not read back: \(bag.snapshotText())")
    }
    if !sameStrings(snapshot.values, withoutData) {
        invariantFailed("snapshot round trip changed the bag")
    }
    return 0
}
