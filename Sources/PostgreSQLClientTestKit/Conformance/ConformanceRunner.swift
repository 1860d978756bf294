import JujuHookTools
import JujuJSON
import PostgreSQLClient

/// Runs conformance vectors on the Swift engines over an ``InMemoryJuju`` model.
public struct ConformanceRunner: Sendable {
    /// The outcome of one vector.
    public struct Result: Sendable, Hashable {
        public var name: String
        public var file: String
        /// `nil` when the vector passed; else the first difference.
        public var failure: String?
        /// The `juju-log` lines each step's hook wrote (`"LEVEL message"`), one list per step
        /// that ran. A failed hook writes none: its error is the outcome. Not compared by the
        /// runner (the format has no place for logs); tests that pin warnings read it.
        public var logs: [[String]] = []
        public var passed: Bool { failure == nil }
        /// Every `juju-log` line of the vector's model (`"<unit> <LEVEL> <message>"`), failed
        /// hooks' lines included.
        public var modelLogs: [String] = []
        /// The hook-tool calls the local unit made during the vector.
        public var calls: [InMemoryJuju.Call] = []
    }

    public init() {}

    /// Runs one vector.
    public func run(_ vector: ConformanceVector, file: String = "") -> Result {
        let model = InMemoryJuju()
        var logs: [[String]] = []
        var result = Result(name: vector.name, file: file, failure: nil)
        do {
            try execute(vector, model: model, logs: &logs)
        } catch let difference as Difference {
            result.failure = difference.text
        } catch {
            result.failure = "\(error)"
        }
        result.logs = logs
        result.modelLogs = model.logs
        result.calls = model.calls
        return result
    }

    struct Difference: Error { var text: String }

    func execute(_ v: ConformanceVector, model: InMemoryJuju, logs: inout [[String]]) throws {
        let rel = v.relation
        let remoteUnits = rel.remoteUnitsData.keys.sorted { (Int($0.split(separator: "/").last ?? "") ?? 0) < (Int($1.split(separator: "/").last ?? "") ?? 0) }
        var unitBags = rel.remoteUnitsData.mapValues(\.normalized)
        unitBags[v.localUnit] = rel.localUnitData.normalized
        model.addRelation(InMemoryJuju.Relation(
            id: rel.id, endpoints: [v.localApp: rel.endpoint, rel.remoteApp: rel.endpoint], interface: rel.interface,
            apps: [v.localApp, rel.remoteApp], units: [v.localApp: [v.localUnit], rel.remoteApp: remoteUnits],
            appBags: [v.localApp: rel.localAppData.normalized, rel.remoteApp: rel.remoteAppData.normalized], unitBags: unitBags))
        model.setLeader(app: v.localApp, unit: v.leader ? v.localUnit : nil)
        model.setLeader(app: rel.remoteApp, unit: remoteUnits.first)
        for secret in v.secrets { put(secret, model: model, vector: v) }

        let runner = RelationHookRunner(tools: model.tools(for: v.localUnit))
        let scope = RelationHookRunner.Scope(relationID: rel.id, relationName: v.library.relationName, localUnit: v.localUnit, remoteApp: rel.remoteApp, jujuVersion: v.jujuVersion)

        for (index, step) in v.steps.enumerated() {
            let where_ = "step \(index + 1) (\(step.hook))"
            if let leader = step.leader { model.setLeader(app: v.localApp, unit: leader ? v.localUnit : nil) }
            if let bag = step.setRemoteAppData { model.setAppBag(relation: rel.id, app: rel.remoteApp, bag.normalized) }
            for (unit, bag) in step.setRemoteUnitsData ?? [:] { model.setUnitBag(relation: rel.id, unit: unit, bag.normalized) }
            for secret in step.setSecrets ?? [] { put(secret, model: model, vector: v) }
            if step.hook == "relation-departed", let unit = step.remoteUnit { model.removeUnit(relation: rel.id, unit: unit) }

            let before = model.relation(rel.id)!
            let logsBefore = model.logs.count
            let hook: RelationHook
            switch step.hook {
            case "relation-created": hook = .created
            case "relation-joined": hook = .joined(remoteUnit: step.remoteUnit ?? remoteUnits.first ?? "")
            case "relation-changed": hook = .changed(remoteUnit: step.remoteUnit)
            case "relation-departed": hook = .departed(remoteUnit: step.remoteUnit ?? "")
            case "relation-broken": hook = .broken
            case "secret-changed": hook = .secretChanged(secretID: step.secretID ?? "", label: nil)
            default: hook = .leaderElected
            }

            var events: [LibraryEvent] = []
            var failure: EngineError?
            do {
                switch v.side {
                case .requirer:
                    let requirer = try DatabaseRequirer(v.library.requirerConfiguration)
                    events = try runner.runRequirer(requirer, hook: hook, scope: scope).events
                case .provider:
                    // Events are recorded as they reach the charm, so a failing call still
                    // shows the event that led to it. A handler whose `on` is the hook's name
                    // is the charm's own handler of that hook: it runs after the library events.
                    let provider = DatabaseProvider(relationName: v.library.relationName)
                    var seen: [LibraryEvent] = []
                    do {
                        _ = try runner.runProvider(provider, hook: hook, scope: scope, charm: { event, session throws(EngineError) in
                            seen.append(event)
                            for handler in step.charm where handler.on == event.name {
                                for call in handler.calls { try Self.perform(call, on: &session) }
                            }
                        }, afterEvents: { session throws(EngineError) in
                            for handler in step.charm where handler.on == step.hook {
                                for call in handler.calls { try Self.perform(call, on: &session) }
                            }
                        })
                        events = seen
                    } catch {
                        events = seen
                        throw error
                    }
                }
            } catch let error as EngineError {
                failure = error
            } catch {
                failure = EngineError(code: "UNEXPECTED", message: "\(error)")
            }

            let after = model.relation(rel.id)!
            let prefix = v.localUnit + " "
            logs.append(model.logs.dropFirst(logsBefore).map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 })
            if let expectedError = step.expect.error {
                guard let failure else { throw Difference(text: "\(where_): expected error \(expectedError), the hook succeeded") }
                guard failure.code == expectedError else { throw Difference(text: "\(where_): expected error \(expectedError), got \(failure.code) (\(failure.message))") }
                if after.appBags != before.appBags || after.unitBags != before.unitBags {
                    throw Difference(text: "\(where_): the hook failed but a databag changed")
                }
            } else if let failure {
                throw Difference(text: "\(where_): unexpected error \(failure)")
            }

            try compare(events: events, expected: step.expect.events, at: where_)
            if let expected = step.expect.localAppData {
                try compare(bag: after.appBags[v.localApp] ?? Databag(), expected: expected, name: "local_app_data", at: where_)
            }
            if let expected = step.expect.localUnitData {
                try compare(bag: after.unitBags[v.localUnit] ?? Databag(), expected: expected, name: "local_unit_data", at: where_)
            }
            for expected in step.expect.secrets {
                guard let uri = after.appBags[v.localApp]?[expected.field] else {
                    throw Difference(text: "\(where_): secrets: local_app_data has no \(expected.field)")
                }
                guard let secret = model.secret(uri) else { throw Difference(text: "\(where_): secrets: \(expected.field) names \(uri), which does not exist") }
                let actual = secret.revisions.last ?? [:]
                if actual != expected.contents {
                    let key = Set(actual.keys).union(expected.contents.keys).sorted().first { actual[$0] != expected.contents[$0] } ?? "?"
                    throw Difference(text: "\(where_): secret \(expected.field) key \(key): expected \(Self.showSecret(expected.contents[key])), actual \(Self.showSecret(actual[key]))")
                }
            }
        }
    }

    func put(_ secret: ConformanceVector.Secret, model: InMemoryJuju, vector v: ConformanceVector) {
        let owner = secret.ownerIsLocal ? v.localApp : v.relation.remoteApp
        let grants: Set<String> = secret.ownerIsLocal ? [] : [v.localApp]
        model.putSecret(id: secret.id, owner: owner, label: secret.label, revision: secret.revision, content: secret.contents, grantedTo: grants)
    }

    static func perform(_ call: ConformanceVector.CharmCall, on session: inout ProviderSession) throws(EngineError) {
        func arg(_ name: String) throws(EngineError) -> String {
            guard let value = call.args[name] else { throw EngineError(code: "VECTOR-CHARM-CALL", message: "\(call.call) needs \(name)") }
            if let s = value.stringValue { return s }
            if let n = value.numberValue { return n.text }
            if let b = value.boolValue { return b ? "True" : "False" }
            throw EngineError(code: "VECTOR-CHARM-CALL", message: "\(call.call): \(name) is not a string")
        }
        func firstArg(_ names: String...) throws(EngineError) -> String {
            for name in names where call.args[name] != nil { return try arg(name) }
            return try arg(names[0])
        }
        switch call.call {
        case "set_credentials": try session.setCredentials(username: arg("username"), password: arg("password"))
        case "set_entity_credentials": try session.setEntityCredentials(name: arg("entity_name"), password: call.args["entity_password"]?.stringValue)
        case "set_endpoints": try session.setEndpoints(firstArg("endpoints", "connection_strings"))
        case "set_read_only_endpoints": try session.setReadOnlyEndpoints(firstArg("endpoints", "read_only_endpoints", "connection_strings"))
        case "set_uris": try session.setURIs(arg("uris"))
        case "set_read_only_uris": try session.setReadOnlyURIs(firstArg("uris", "read_only_uris"))
        case "set_version": try session.setVersion(arg("version"))
        case "set_tls": try session.setTLS(arg("tls"))
        case "set_tls_ca": try session.setTLSCA(arg("tls_ca"))
        case "set_database": try session.setDatabase(firstArg("database_name", "database"))
        case "set_prefix_databases":
            let list = call.args["databases"]?.stringArray ?? []
            try session.setPrefixDatabases(list)
        case "set_subordinated": try session.setSubordinated()
        case "raise_status":
            guard let status = call.args["status"], let code = status["code"]?.numberValue?.intValue else {
                throw EngineError(code: "VECTOR-CHARM-CALL", message: "raise_status needs status {code, message, resolution}")
            }
            try session.raiseStatus(RelationStatus(code: code, message: status["message"]?.stringValue ?? "", resolution: status["resolution"]?.stringValue ?? ""))
        case "resolve_status":
            guard let code = call.args["status_code"]?.numberValue?.intValue ?? call.args["code"]?.numberValue?.intValue else {
                throw EngineError(code: "VECTOR-CHARM-CALL", message: "resolve_status needs status_code")
            }
            try session.resolveStatus(code: code)
        case "clear_statuses": try session.clearStatuses()
        default:
            throw EngineError(code: "VECTOR-CHARM-CALL", message: "unknown charm call \(call.call)")
        }
    }

    // MARK: Comparison

    func compare(events: [LibraryEvent], expected: [ConformanceVector.ExpectedEvent], at where_: String) throws {
        let actualNames = events.map(\.name)
        let expectedNames = expected.map(\.name)
        if actualNames != expectedNames {
            throw Difference(text: "\(where_): events: expected \(expectedNames), actual \(actualNames)")
        }
        for (event, exp) in zip(events, expected) {
            for key in exp.fields.keys.sorted() {
                let want = exp.fields[key]!
                let got = event.fields[key] ?? .null
                if !Self.jsonEqual(want, got) {
                    throw Difference(text: "\(where_): event \(event.name) field \(key): expected \(Self.show(want, key: key)), actual \(Self.show(got, key: key))")
                }
            }
        }
    }

    func compare(bag actual: Databag, expected: Databag, name: String, at where_: String) throws {
        for key in Set(actual.values.keys).union(expected.values.keys).sorted(by: JSONValue.utf8Precedes) {
            let a = actual[key]
            let e = expected.values[key]
            if !Self.valuesMatch(expected: e, actual: a) {
                throw Difference(text: "\(where_): \(name) key \(key): expected \(Self.show(e, key: key)), actual \(Self.show(a, key: key))")
            }
        }
    }

    /// `{{secret-uri}}` matches any secret URI; JSON-valued strings compare after parsing.
    static func valuesMatch(expected: String?, actual: String?) -> Bool {
        guard let expected, let actual else { return expected == nil && actual == nil }
        if expected == "{{secret-uri}}" { return actual.hasPrefix("secret:") }
        if expected.unicodeScalars.elementsEqual(actual.unicodeScalars) { return true }
        let parser = JSONParser()
        if let e = try? parser.parse(expected), let a = try? parser.parse(actual), e.arrayValue != nil || e.objectValue != nil {
            return jsonEqual(e, a)
        }
        return false
    }

    static func jsonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x.text == y.text || (x.doubleValue != nil && x.doubleValue == y.doubleValue)
        case (.string(let x), .string(let y)): return x == "{{secret-uri}}" ? y.hasPrefix("secret:") : x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { jsonEqual($0, $1) }
        case (.object(let x), .object(let y)): return Set(x.keys) == Set(y.keys) && x.allSatisfy { jsonEqual($0.value, y[$0.key]!) }
        default: return a == b
        }
    }

    /// A bag value in a failure message: sensitive values masked; a `data` snapshot shown with
    /// its own sensitive members masked, so the difference stays visible.
    static func show(_ value: String?, key: String) -> String {
        guard let value else { return "(absent)" }
        if key == "data" {
            guard let masked = SensitiveFields.maskedSnapshot(value) else { return "<masked, \(value.utf8.count) bytes>" }
            return JSONValue.string(masked).serialized()
        }
        if SensitiveFields.isSensitive(key) { return "<masked, \(value.utf8.count) bytes>" }
        return JSONValue.string(value).serialized()
    }

    /// A secret's value in a failure message: always masked (only its size is shown).
    static func showSecret(_ value: String?) -> String {
        guard let value else { return "(absent)" }
        return "<masked, \(value.utf8.count) bytes>"
    }

    static func show(_ value: JSONValue, key: String) -> String {
        if LibraryEvent.maskedFields.contains(key), !value.isNull { return "<masked>" }
        return value.serialized()
    }
}

extension ConformanceVector.Library {
    var requirerConfiguration: DatabaseRequirer.Configuration {
        DatabaseRequirer.Configuration(
            relationName: relationName, databaseName: databaseName ?? "", extraUserRoles: extraUserRoles,
            relationsAliases: relationsAliases, additionalSecretFields: additionalSecretFields,
            externalNodeConnectivity: externalNodeConnectivity, extraGroupRoles: extraGroupRoles,
            entityType: entityType.flatMap(EntityType.init(rawValue:)), entityPermissions: entityPermissions,
            requestedEntitySecret: requestedEntitySecret, prefixMatching: prefixMatching)
    }
}

extension Databag {
    /// The bag as Juju would hold it: keys set to "" are absent.
    var normalized: Databag { Databag(values.filter { !$0.value.isEmpty }) }
}
