import JujuJSON
import PostgreSQLClient

extension ConformanceVector {
    /// Reads a vector from JSON text. `file` is used in error messages.
    public init(json text: String, file: String) throws(VectorLoadError) {
        let root: JSONValue
        do {
            root = try JSONParser().parse(text)
        } catch {
            throw VectorLoadError(file: file, field: "(file)", problem: "not JSON: \(error)")
        }
        var reader = Reader(file: file)
        try self.init(root, reader: &reader)
    }

    /// Whether a parsed document claims to be a vector (used to pick files in folders).
    public static func isVector(_ value: JSONValue) -> Bool { value["format"] != nil && value["steps"] != nil }

    struct Reader {
        let file: String
        func fail(_ path: String, _ problem: String) -> VectorLoadError { VectorLoadError(file: file, field: path, problem: problem) }

        func object(_ value: JSONValue?, _ path: String) throws(VectorLoadError) -> [String: JSONValue] {
            guard let value else { throw fail(path, "missing") }
            guard let o = value.objectValue else { throw fail(path, "expected an object, found \(value.kindName)") }
            return o
        }
        func string(_ value: JSONValue?, _ path: String) throws(VectorLoadError) -> String {
            guard let value else { throw fail(path, "missing") }
            guard let s = value.stringValue else { throw fail(path, "expected a string, found \(value.kindName)") }
            return s
        }
        func optionalString(_ value: JSONValue?, _ path: String) throws(VectorLoadError) -> String? {
            guard let value, !value.isNull else { return nil }
            return try string(value, path)
        }
        func bool(_ value: JSONValue?, _ path: String) throws(VectorLoadError) -> Bool {
            guard let value else { throw fail(path, "missing") }
            guard let b = value.boolValue else { throw fail(path, "expected true or false, found \(value.kindName)") }
            return b
        }
        func int(_ value: JSONValue?, _ path: String) throws(VectorLoadError) -> Int {
            guard let value else { throw fail(path, "missing") }
            guard let n = value.numberValue?.intValue else { throw fail(path, "expected an integer, found \(value.kindName)") }
            return n
        }
        func array(_ value: JSONValue?, _ path: String) throws(VectorLoadError) -> [JSONValue] {
            guard let value else { throw fail(path, "missing") }
            guard let a = value.arrayValue else { throw fail(path, "expected an array, found \(value.kindName)") }
            return a
        }
        func strings(_ value: JSONValue?, _ path: String) throws(VectorLoadError) -> [String] {
            var result: [String] = []
            for (i, item) in try array(value, path).enumerated() { result.append(try string(item, "\(path)[\(i)]")) }
            return result
        }
        func bag(_ value: JSONValue?, _ path: String) throws(VectorLoadError) -> Databag {
            guard let value else { return Databag() }
            var result: [String: String] = [:]
            for (key, item) in try object(value, path) {
                guard let s = item.stringValue else {
                    throw fail("\(path).\(key)", "databag values are strings (BAG-VALUE-STRING), found \(item.kindName)")
                }
                result[key] = s
            }
            return Databag(result)
        }
        func unknownKeys(_ object: [String: JSONValue], _ allowed: Set<String>, _ path: String) throws(VectorLoadError) {
            if let extra = object.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw fail(path.isEmpty ? extra : "\(path).\(extra)", "unknown field")
            }
        }
    }

    init(_ root: JSONValue, reader r: inout Reader) throws(VectorLoadError) {
        let top = try r.object(root, "(document)")
        try r.unknownKeys(top, ["format", "name", "spec", "side", "juju_version", "leader", "local_app", "local_unit", "library", "relation", "secrets", "steps"], "")
        let format = try r.string(top["format"], "format")
        guard format == Self.format else { throw r.fail("format", "is \"\(format)\"; this runner reads \"\(Self.format)\"") }
        name = try r.string(top["name"], "name")
        spec = top["spec"] == nil ? [] : try r.strings(top["spec"], "spec")
        let sideText = try r.string(top["side"], "side")
        guard let side = RelationSide(rawValue: sideText) else { throw r.fail("side", "expected requirer or provider, found \"\(sideText)\"") }
        self.side = side
        let versionText = try r.optionalString(top["juju_version"], "juju_version") ?? "3.6.4"
        do { jujuVersion = try JujuVersion(parsing: versionText) } catch { throw r.fail("juju_version", error.description) }
        leader = try r.bool(top["leader"], "leader")
        localApp = try r.optionalString(top["local_app"], "local_app") ?? "app"
        localUnit = try r.optionalString(top["local_unit"], "local_unit") ?? "\(localApp)/0"

        let lib = try r.object(top["library"], "library")
        try r.unknownKeys(lib, ["relation_name", "database_name", "extra_user_roles", "extra_group_roles", "additional_secret_fields", "external_node_connectivity", "relations_aliases", "entity_type", "entity_permissions", "prefix_matching", "requested_entity_secret"], "library")
        library = Library(
            relationName: try r.string(lib["relation_name"], "library.relation_name"),
            databaseName: try r.optionalString(lib["database_name"], "library.database_name"),
            extraUserRoles: try r.optionalString(lib["extra_user_roles"], "library.extra_user_roles"),
            extraGroupRoles: try r.optionalString(lib["extra_group_roles"], "library.extra_group_roles"),
            additionalSecretFields: lib["additional_secret_fields"] == nil ? [] : try r.strings(lib["additional_secret_fields"], "library.additional_secret_fields"),
            externalNodeConnectivity: lib["external_node_connectivity"] == nil ? false : try r.bool(lib["external_node_connectivity"], "library.external_node_connectivity"),
            relationsAliases: lib["relations_aliases"] == nil ? nil : try r.strings(lib["relations_aliases"], "library.relations_aliases"),
            entityType: try r.optionalString(lib["entity_type"], "library.entity_type"),
            entityPermissions: try r.optionalString(lib["entity_permissions"], "library.entity_permissions"),
            prefixMatching: try r.optionalString(lib["prefix_matching"], "library.prefix_matching"),
            requestedEntitySecret: try r.optionalString(lib["requested_entity_secret"], "library.requested_entity_secret"))
        if side == .requirer, library.databaseName == nil { throw r.fail("library.database_name", "missing (a requirer needs it)") }

        let rel = try r.object(top["relation"], "relation")
        try r.unknownKeys(rel, ["id", "endpoint", "interface", "remote_app", "local_app_data", "local_unit_data", "remote_app_data", "remote_units_data"], "relation")
        var units: [String: Databag] = [:]
        if let raw = rel["remote_units_data"] {
            for (unit, bag) in try r.object(raw, "relation.remote_units_data") { units[unit] = try r.bag(bag, "relation.remote_units_data.\(unit)") }
        }
        relation = Relation(
            id: try r.int(rel["id"], "relation.id"),
            endpoint: try r.optionalString(rel["endpoint"], "relation.endpoint") ?? library.relationName,
            interface: try r.optionalString(rel["interface"], "relation.interface") ?? "postgresql_client",
            remoteApp: try r.string(rel["remote_app"], "relation.remote_app"),
            localAppData: try r.bag(rel["local_app_data"], "relation.local_app_data"),
            localUnitData: try r.bag(rel["local_unit_data"], "relation.local_unit_data"),
            remoteAppData: try r.bag(rel["remote_app_data"], "relation.remote_app_data"),
            remoteUnitsData: units)
        // A relation joins two applications, and each unit belongs to its side (found by the
        // vector fuzz target: a remote_app equal to local_app trapped the runner).
        func app(of unit: String) -> Substring { unit.split(separator: "/", maxSplits: 1).first ?? Substring(unit) }
        guard app(of: localUnit) == localApp, localUnit.contains("/") else {
            throw r.fail("local_unit", "\"\(localUnit)\" is not a unit of local_app \"\(localApp)\" (expected \(localApp)/N)")
        }
        guard relation.remoteApp != localApp else {
            throw r.fail("relation.remote_app", "is local_app \"\(localApp)\": a relation joins two different applications")
        }
        for unit in units.keys.sorted() where app(of: unit) != relation.remoteApp || !unit.contains("/") {
            throw r.fail("relation.remote_units_data.\(unit)", "not a unit of relation.remote_app \"\(relation.remoteApp)\" (expected \(relation.remoteApp)/N)")
        }

        secrets = []
        if let raw = top["secrets"] {
            for (i, item) in try r.array(raw, "secrets").enumerated() { secrets.append(try Self.secret(item, "secrets[\(i)]", &r)) }
        }

        let rawSteps = try r.array(top["steps"], "steps")
        guard !rawSteps.isEmpty else { throw r.fail("steps", "needs at least one step") }
        steps = []
        for (i, item) in rawSteps.enumerated() {
            let step = try Self.step(item, "steps[\(i)]", &r)
            for unit in (step.setRemoteUnitsData ?? [:]).keys.sorted() where app(of: unit) != relation.remoteApp || !unit.contains("/") {
                throw r.fail("steps[\(i)].set_remote_units_data.\(unit)", "not a unit of relation.remote_app \"\(relation.remoteApp)\"")
            }
            steps.append(step)
        }
    }

    static func secret(_ value: JSONValue, _ path: String, _ r: inout Reader) throws(VectorLoadError) -> Secret {
        let o = try r.object(value, path)
        try r.unknownKeys(o, ["id", "owner", "label", "revision", "contents"], path)
        let owner = try r.optionalString(o["owner"], "\(path).owner") ?? "remote"
        guard owner == "local" || owner == "remote" else { throw r.fail("\(path).owner", "expected local or remote") }
        return Secret(
            id: try r.string(o["id"], "\(path).id"), ownerIsLocal: owner == "local",
            label: try r.optionalString(o["label"], "\(path).label"),
            revision: o["revision"] == nil ? 1 : try r.int(o["revision"], "\(path).revision"),
            contents: try r.bag(o["contents"], "\(path).contents").values)
    }

    static func step(_ value: JSONValue, _ path: String, _ r: inout Reader) throws(VectorLoadError) -> Step {
        let o = try r.object(value, path)
        try r.unknownKeys(o, ["hook", "remote_unit", "secret_id", "set_remote_app_data", "set_remote_units_data", "set_secrets", "leader", "charm", "expect"], path)
        let hook = try r.string(o["hook"], "\(path).hook")
        guard hooks.contains(hook) else { throw r.fail("\(path).hook", "unknown hook \"\(hook)\"") }
        var unitsData: [String: Databag]?
        if let raw = o["set_remote_units_data"] {
            var units: [String: Databag] = [:]
            for (unit, bag) in try r.object(raw, "\(path).set_remote_units_data") { units[unit] = try r.bag(bag, "\(path).set_remote_units_data.\(unit)") }
            unitsData = units
        }
        var setSecrets: [Secret]?
        if let raw = o["set_secrets"] {
            var list: [Secret] = []
            for (i, item) in try r.array(raw, "\(path).set_secrets").enumerated() { list.append(try secret(item, "\(path).set_secrets[\(i)]", &r)) }
            setSecrets = list
        }
        var handlers: [CharmHandler] = []
        if let raw = o["charm"] {
            let items = raw.arrayValue ?? [raw]
            for (i, item) in items.enumerated() {
                let hp = raw.arrayValue == nil ? "\(path).charm" : "\(path).charm[\(i)]"
                let h = try r.object(item, hp)
                try r.unknownKeys(h, ["on", "calls"], hp)
                var calls: [CharmCall] = []
                for (j, call) in try r.array(h["calls"], "\(hp).calls").enumerated() {
                    let c = try r.object(call, "\(hp).calls[\(j)]")
                    try r.unknownKeys(c, ["call", "args"], "\(hp).calls[\(j)]")
                    calls.append(CharmCall(call: try r.string(c["call"], "\(hp).calls[\(j)].call"), args: c["args"] == nil ? [:] : try r.object(c["args"], "\(hp).calls[\(j)].args")))
                }
                handlers.append(CharmHandler(on: try r.string(h["on"], "\(hp).on"), calls: calls))
            }
        }
        let e = try r.object(o["expect"], "\(path).expect")
        try r.unknownKeys(e, ["events", "local_app_data", "local_unit_data", "secrets", "error"], "\(path).expect")
        var events: [ExpectedEvent] = []
        for (i, item) in try r.array(e["events"], "\(path).expect.events").enumerated() {
            let ev = try r.object(item, "\(path).expect.events[\(i)]")
            try r.unknownKeys(ev, ["name", "fields"], "\(path).expect.events[\(i)]")
            events.append(ExpectedEvent(name: try r.string(ev["name"], "\(path).expect.events[\(i)].name"), fields: ev["fields"] == nil ? [:] : try r.object(ev["fields"], "\(path).expect.events[\(i)].fields")))
        }
        var expectedSecrets: [ExpectedSecret] = []
        if let raw = e["secrets"] {
            for (i, item) in try r.array(raw, "\(path).expect.secrets").enumerated() {
                let s = try r.object(item, "\(path).expect.secrets[\(i)]")
                try r.unknownKeys(s, ["field", "contents"], "\(path).expect.secrets[\(i)]")
                expectedSecrets.append(ExpectedSecret(field: try r.string(s["field"], "\(path).expect.secrets[\(i)].field"), contents: try r.bag(s["contents"], "\(path).expect.secrets[\(i)].contents").values))
            }
        }
        return Step(
            hook: hook, remoteUnit: try r.optionalString(o["remote_unit"], "\(path).remote_unit"),
            secretID: try r.optionalString(o["secret_id"], "\(path).secret_id"),
            setRemoteAppData: o["set_remote_app_data"] == nil ? nil : try r.bag(o["set_remote_app_data"], "\(path).set_remote_app_data"),
            setRemoteUnitsData: unitsData, setSecrets: setSecrets,
            leader: o["leader"] == nil ? nil : try r.bool(o["leader"], "\(path).leader"),
            charm: handlers,
            expect: Expectation(
                events: events,
                localAppData: e["local_app_data"] == nil ? nil : try r.bag(e["local_app_data"], "\(path).expect.local_app_data"),
                localUnitData: e["local_unit_data"] == nil ? nil : try r.bag(e["local_unit_data"], "\(path).expect.local_unit_data"),
                secrets: expectedSecrets, error: try r.optionalString(e["error"], "\(path).expect.error")))
    }
}
