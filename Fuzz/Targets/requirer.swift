// Fuzz target `requirer`: the requirer engine's remote-data path, `DatabaseRequirer.handle(
// .changed, ...)`: the provider's application bag and the requirer unit's stored `data`
// snapshot in, events, bag changes and log lines out.
//
// Input: `<provider app bag as JSON>`, optionally followed by a NUL byte and the text of the
// stored snapshot (which may be anything: a corrupt snapshot counts as empty). Each input runs
// with secrets on, a ready remote unit and an alias, and with secrets off and no remote unit.
// `EngineError` is an expected outcome; crashes are not. Invariants:
// - the snapshot written is `remote.snapshotText()`; handling the same remote bag again with
//   that snapshot stored succeeds, emits no event and writes the same snapshot (no event twice,
//   `database_created` in particular, for the same before/after);
// - one hook emits each event at most once (status events: once per status code);
// - masking: replacing the remote bag's `password` and `entity-password` with other text does
//   not change the log lines, the error or which events fire; an event's description does not
//   change when its masked fields do; the secret's password never shows in a log or a
//   description;
// - handling is deterministic.
import JujuJSON
import PostgreSQLClient

let secretPassword = "Fz-secret-marker-7c1e9a"

/// Hands out one fixed secret for any `secret:` URI; anything else cannot be read.
struct FuzzSecrets: SecretReading {
    func secretContent(uri: String, label: String?, refresh: Bool) throws(EngineError) -> [String: String] {
        guard uri.hasPrefix("secret:") else { throw EngineError(code: "JUJU-SECRET-ACCESS", message: "no such secret") }
        return ["username": "fuzz-user", "password": secretPassword, "entity-name": "fuzz-entity",
                "entity-password": secretPassword, "tls": "True", "tls-ca": "-----BEGIN CERTIFICATE-----x-----END CERTIFICATE-----",
                "uris": "postgresql://fuzz-user:\(secretPassword)@h:5432/db"]
    }
}

func context(remote: Databag, snapshot: String?, secrets: Bool, ready: Bool) -> RelationContext {
    var unit = Databag()
    if let snapshot { unit["data"] = snapshot }
    if secrets { unit["alias"] = "first" }
    return RelationContext(
        relationID: 7, relationName: "database", localApp: "app", localUnit: "app/0", remoteApp: "pg",
        isLeader: true, secretsEnabled: secrets, localAppBag: ["database": "db"], localUnitBag: unit,
        remoteAppBag: remote, remoteUnits: ready ? [.init(name: "pg/0", bag: ["state": "ready"])] : [])
}

func run(_ requirer: DatabaseRequirer, _ context: RelationContext) -> Result<EngineOutput, EngineError> {
    do throws(EngineError) {
        return .success(try requirer.handle(.changed(remoteUnit: context.remoteUnits.first?.name), context: context, secrets: FuzzSecrets()))
    } catch {
        return .failure(error)
    }
}

/// The event with its masked fields set to other text.
func withMaskedFieldsReplaced(_ event: LibraryEvent) -> LibraryEvent {
    var copy = event
    for key in LibraryEvent.maskedFields {
        if let value = event.fields[key], !value.isNull {
            copy.fields[key] = .string("other-" + (value.stringValue ?? value.serialized()))
        }
    }
    return copy
}

func check(_ output: EngineOutput, remote: Databag) {
    var names: Set<String> = []
    for event in output.events {
        // One status event per status code; every other event at most once per hook.
        let key = event.name.hasPrefix("status_") ? "\(event.name) \(event.fields["status"]?["code"].map { "\($0)" } ?? "?")" : event.name
        guard names.insert(key).inserted else { invariantFailed("event \(key) emitted twice in one hook") }
        if event.description != withMaskedFieldsReplaced(event).description {
            invariantFailed("an event's description shows a masked field: \(event.description)")
        }
        if event.description.contains(secretPassword) { invariantFailed("an event's description shows the secret's password") }
    }
    for log in output.logs where log.description.contains(secretPassword) {
        invariantFailed("a log line shows the secret's password: \(log)")
    }
    if let written = output.unitChanges["data"], !written.utf8.elementsEqual(remote.snapshotText().utf8) {
        invariantFailed("the snapshot written is not remote.snapshotText()")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let split = bytes.firstIndex(of: 0)
    let bagBytes = UnsafeBufferPointer(rebasing: bytes[..<(split ?? bytes.endIndex)])
    let snapshot = split.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[($0 + 1)...]), as: UTF8.self) }
    guard let value = try? JSONParser().parse(bytes: bagBytes), let remote = try? Databag(jsonValue: value) else { return 0 }

    guard let requirer = try? DatabaseRequirer(.init(relationName: "database", databaseName: "db", relationsAliases: ["first", "second"]))
    else { invariantFailed("the requirer configuration is refused") }

    var mutated = remote
    for key in ["password", "entity-password"] {
        // An empty value acts as an absent one (BAG-VALUE-EMPTY): only real passwords are swapped
        // (found by this target: "" -> "other-" completed the credentials pair).
        if let value = remote[key], !value.isEmpty { mutated[key] = "other-" + value }
    }

    for (secrets, ready) in [(true, true), (false, false)] {
        let first = context(remote: remote, snapshot: snapshot, secrets: secrets, ready: ready)
        let result = run(requirer, first)
        if run(requirer, first) != result { invariantFailed("handling is not deterministic") }
        _ = requirer.isResourceCreated(first, secrets: FuzzSecrets())

        // Masking: the passwords' text changes nothing visible.
        let other = run(requirer, context(remote: mutated, snapshot: snapshot, secrets: secrets, ready: ready))
        switch (result, other) {
        case (.failure(let a), .failure(let b)):
            if a != b { invariantFailed("the error depends on the password's text: \(a) vs \(b)") }
        case (.success(let a), .success(let b)):
            if a.logs != b.logs { invariantFailed("the log lines depend on the password's text: \(a.logs)") }
            if a.events.map(\.name) != b.events.map(\.name) { invariantFailed("the events depend on the password's text") }
        default:
            invariantFailed("whether the hook fails depends on the password's text")
        }

        guard case .success(let output) = result else { continue }
        check(output, remote: remote)
        guard let written = output.unitChanges["data"] else { continue }

        // The same remote bag again, with the snapshot just written: nothing new happened.
        let second = context(remote: remote, snapshot: written, secrets: secrets, ready: ready)
        switch run(requirer, second) {
        case .failure(let error):
            invariantFailed("the hook failed the second time on the same remote bag: \(error)")
        case .success(let again):
            check(again, remote: remote)
            if !again.events.isEmpty {
                invariantFailed("events emitted again for the same remote bag: \(again.events.map(\.name)) (first: \(output.events.map(\.name)))")
            }
            if again.unitChanges["data"] != written { invariantFailed("the second snapshot differs from the first") }
            if again.logs.contains(where: { $0.message.contains("REQU-DATA-SNAPSHOT") }) {
                invariantFailed("the snapshot the requirer wrote does not read back")
            }
        }
    }
    return 0
}
