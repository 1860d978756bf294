import JujuHookTools
import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit

/// Every hook tool the fake answers as, with its implementation.
enum Tools {
    typealias Run = @Sendable (HookContext) throws(ToolFailure) -> Void

    static let all: [String: Run] = [
        "relation-ids": relationIDs, "relation-list": relationList, "relation-get": relationGet,
        "relation-set": relationSet, "relation-model-get": relationModelGet, "is-leader": isLeader,
        "status-set": statusSet, "status-get": statusGet, "application-version-set": applicationVersionSet,
        "juju-log": jujuLog, "config-get": configGet,
        "secret-add": secretAdd, "secret-get": secretGet, "secret-set": secretSet, "secret-grant": secretGrant,
        "secret-revoke": secretRevoke, "secret-remove": secretRemove, "secret-info-get": secretInfoGet,
        "secret-ids": secretIDs,
        "network-get": networkGet, "open-port": openPort, "close-port": closePort, "opened-ports": openedPorts,
        "goal-state": goalState,
        "action-get": notAnAction, "action-set": notAnAction, "action-log": notAnAction, "action-fail": notAnAction,
        "storage-get": storageGet, "storage-list": storageList,
        "leader-get": leaderGet, "leader-set": leaderSet,
    ]

    static let names: [String] = all.keys.sorted()

    /// The Juju version that brought each tool younger than Juju 2.9: secrets came with 3.0,
    /// `relation-model-get` with 3.6.2. Under an older model these tools do not exist.
    static let introduced: [String: JujuVersion] = {
        var since: [String: JujuVersion] = ["relation-model-get": JujuVersion(major: 3, minor: 6, patch: 2)]
        for name in all.keys where name.hasPrefix("secret-") { since[name] = JujuVersion(major: 3, minor: 0) }
        return since
    }()

    /// Whether `tool` is a hook tool of Juju `version`.
    static func exists(_ tool: String, in version: JujuVersion) -> Bool {
        guard let since = introduced[tool] else { return true }
        return version >= since
    }

    /// The model's Juju version.
    static func jujuVersion(of snapshot: Snapshot) throws(ToolFailure) -> JujuVersion {
        do { return try JujuVersion(parsing: snapshot.jujuVersion) } catch {
            throw ToolFailure("the fake model's Juju version \"\(snapshot.jujuVersion)\" is not a Juju version: \(error)")
        }
    }

    /// Flags that take a value, per tool (for parsing and for the call log's redaction).
    static let format = ["format"]

    // MARK: Relations

    static func relationIDs(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format])
        guard let endpoint = a.positionals.first ?? c.env("JUJU_RELATION") else {
            throw ToolFailure("no endpoint name specified")
        }
        guard a.positionals.count <= 1 else { throw ToolFailure("unrecognized args: \(a.positionals.dropFirst())") }
        let ids: [Int]
        do { ids = try c.tools.relationIDs(endpoint: endpoint) } catch { throw c.failure(error) }
        c.emit(.array(ids.map { .string("\(endpoint):\($0)") }), format: a.value("format"))
    }

    static func relationList(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format, ["r", "relation"]], boolean: [["app"]])
        guard a.positionals.isEmpty else { throw ToolFailure("unrecognized args: \(a.positionals)") }
        let id = try c.relationID(a.value("r"))
        if a.flag("app") {
            let remote = c.relation(id)?.apps.first { $0 != c.app } ?? c.app
            c.emit(.string(remote), format: a.value("format"))
            return
        }
        let units: [String]
        do { units = try c.tools.relationList(relationID: id) } catch { throw c.failure(error) }
        c.emit(.array(units.map { .string($0) }), format: a.value("format"))
    }

    static func relationGet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format, ["r", "relation"]], boolean: [["app"]])
        let id = try c.relationID(a.value("r"))
        var key: String? = a.positionals.first
        if key == "-" || key == "" { key = nil }
        var isApp = a.flag("app")
        var member: String
        if a.positionals.count > 1 {
            member = a.positionals[1]
            if isApp, member.contains("/") { member = Snapshot.app(of: member) }
        } else if isApp {
            guard let remote = c.env("JUJU_REMOTE_APP") else { throw ToolFailure("no unit or application specified") }
            member = remote
        } else if let remote = c.env("JUJU_REMOTE_UNIT") {
            member = remote
        } else if let remote = c.env("JUJU_REMOTE_APP") {
            member = remote
            isApp = true
        } else {
            throw ToolFailure("no unit or application specified")
        }
        guard a.positionals.count <= 2 else { throw ToolFailure("unrecognized args: \(a.positionals.dropFirst(2))") }
        let bag: Databag
        do { bag = try c.tools.relationGet(relationID: id, member: member, app: isApp) } catch { throw c.failure(error) }
        if let key {
            c.emit(bag[key].map { .string($0) } ?? .null, format: a.value("format"))
        } else {
            c.emit(bag.jsonValue, format: a.value("format"))
        }
    }

    static let relationSetValued = [format, ["r", "relation"], ["file"]]

    static func relationSet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: relationSetValued, boolean: [["app"]])
        let id = try c.relationID(a.value("r"))
        var changes: [String: String] = [:]
        if let file = a.value("file") { changes = try Settings.parse(try c.read(file), what: "relation settings") }
        for arg in a.positionals {
            guard let eq = arg.firstIndex(of: "="), eq != arg.startIndex else {
                throw ToolFailure("expected \"key=value\", got \"\(arg)\"")
            }
            changes[String(arg[..<eq])] = String(arg[arg.index(after: eq)...])
        }
        do { try c.tools.relationSet(relationID: id, app: a.flag("app"), changes: changes) } catch { throw c.failure(error) }
    }

    static func relationModelGet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format, ["r", "relation"]])
        _ = try c.relationID(a.value("r"))
        c.emit(["uuid": .string(c.snapshot.modelUUID)], format: a.value("format"))
    }

    // MARK: Leadership, status, logs, config

    static func isLeader(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format])
        let leader: Bool
        do { leader = try c.tools.isLeader() } catch { throw c.failure(error) }
        c.emit(.bool(leader), format: a.value("format"))
    }

    static func statusSet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, boolean: [["application"]])
        guard let name = a.positionals.first else { throw ToolFailure("invalid args, require <status> [message] [data]") }
        guard let status = WorkloadStatus(rawValue: name) else {
            throw ToolFailure("invalid status \"\(name)\", expected one of [maintenance blocked waiting active]")
        }
        let application = a.flag("application")
        if application, !c.isLeader {
            throw ToolFailure("setting application status: this unit is not the leader [JUJU-APP-BAG-LEADER]")
        }
        let message = a.positionals.dropFirst().joined(separator: " ")
        do { try c.tools.statusSet(status, message: message, application: application) } catch { throw c.failure(error) }
    }

    static func statusRecord(_ c: HookContext, _ owner: String, includeData: Bool) -> JSONValue {
        let record = c.snapshot.statuses[owner] ?? Snapshot.StatusRecord(status: "unknown", message: "")
        var object: [String: JSONValue] = ["status": .string(record.status), "message": .string(record.message)]
        if includeData { object["status-data"] = .object([:]) }
        return .object(object)
    }

    static func statusGet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format], boolean: [["include-data"], ["application"]])
        c.sync()
        let includeData = a.flag("include-data")
        if a.flag("application") {
            guard c.isLeader else { throw ToolFailure("finding application status: this unit is not the leader") }
            var units: [String: JSONValue] = [:]
            for unit in c.snapshot.units[c.app] ?? [c.unit] { units[unit] = statusRecord(c, unit, includeData: true) }
            let value: JSONValue = [
                "application-status": statusRecord(c, c.app, includeData: true), "units": .object(units),
            ]
            c.emit(value, format: a.value("format") ?? "json")
            return
        }
        let record = statusRecord(c, c.unit, includeData: includeData)
        c.emit(includeData || a.value("format") == "json" ? record : record["status"]!, format: a.value("format"))
    }

    static func applicationVersionSet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args)
        guard a.positionals.count == 1 else {
            throw ToolFailure(a.positionals.isEmpty ? "no version specified" : "unrecognized args: \(a.positionals.dropFirst())")
        }
        try c.edit { $0.applicationVersions[c.app] = a.positionals[0] }
    }

    static func jujuLog(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [["l", "log-level"], format], boolean: [["debug"]])
        let level = a.flag("debug") ? "DEBUG" : (a.value("l") ?? "INFO").uppercased()
        let message = a.positionals.joined(separator: " ")
        guard !message.isEmpty else { throw ToolFailure("no message specified") }
        if let known = LogLevel(rawValue: level) {
            do { try c.tools.log(known, message) } catch { throw c.failure(error) }
        } else {
            try c.edit { $0.logs.append("\(c.unit) \(level) \(message)") }
        }
    }

    static func configGet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format], boolean: [["a", "all"]])
        let config = (c.snapshot.config[c.app] ?? [:]).mapValues(\.jsonValue)
        if let key = a.positionals.first {
            c.emit(config[key] ?? .null, format: a.value("format"))
        } else {
            c.emit(.object(config), format: a.value("format"))
        }
    }

    // MARK: Secrets

    static let secretMetadataFlags = [["label"], ["description"], ["expire"], ["rotate"], ["owner"], ["file"]]

    static func secretAdd(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: secretMetadataFlags)
        let owner = a.value("owner") ?? "application"
        guard owner == "application" else {
            throw ToolFailure(owner == "unit" ? "fake-juju-tools: unit-owned secrets are not modelled" : "invalid owner \"\(owner)\"")
        }
        let content = try c.secretContent(a.positionals, file: a.value("file"))
        guard !content.isEmpty else { throw ToolFailure("missing secret value or filename") }
        let id: String
        do { id = try c.tools.secretAdd(content: content, label: a.value("label")) } catch { throw c.failure(error) }
        try c.edit { s in
            guard let index = s.secrets.firstIndex(where: { $0.id == id }) else { return }
            s.secrets[index].description = a.value("description")
            s.secrets[index].expire = a.value("expire")
            s.secrets[index].rotate = a.value("rotate")
        }
        c.out += id + "\n"
    }

    static func secretGet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format, ["label"]], boolean: [["refresh"], ["peek"]])
        let id = a.positionals.first.map(HookContext.secretID)
        let label = a.value("label")
        guard id != nil || label != nil else { throw ToolFailure("require either a secret URI or label") }
        if a.flag("refresh"), a.flag("peek") { throw ToolFailure("specify one of --peek or --refresh but not both") }
        guard a.positionals.count <= 2 else { throw ToolFailure("unrecognized args: \(a.positionals.dropFirst(2))") }
        let content: [String: String]
        do {
            content = try c.tools.secretGet(id: id, label: label, refresh: a.flag("refresh"), peek: a.flag("peek"))
        } catch {
            throw c.failure(error, secret: id ?? label)
        }
        if a.positionals.count == 2 {
            var key = a.positionals[1]
            if key.hasSuffix("#base64") { key.removeLast("#base64".count) }
            c.emit(content[key].map { .string($0) } ?? .null, format: a.value("format"))
        } else {
            c.emit(.object(content.mapValues { .string($0) }), format: a.value("format"))
        }
    }

    static func secretSet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: secretMetadataFlags)
        guard let raw = a.positionals.first else { throw ToolFailure("missing secret URI") }
        let id = HookContext.secretID(raw)
        if let owner = a.value("owner"), owner != "application" {
            throw ToolFailure("fake-juju-tools: unit-owned secrets are not modelled")
        }
        let content = try c.secretContent(a.positionals.dropFirst(), file: a.value("file"))
        if !content.isEmpty {
            do { try c.tools.secretSet(id: id, content: content) } catch { throw c.failure(error, secret: id) }
        } else {
            _ = try c.ownedSecret(id)
        }
        try c.edit { s in
            guard let index = s.secrets.firstIndex(where: { $0.id == id }) else { return }
            if let label = a.value("label") { s.secrets[index].ownerLabel = label }
            if let v = a.value("description") { s.secrets[index].description = v }
            if let v = a.value("expire") { s.secrets[index].expire = v }
            if let v = a.value("rotate") { s.secrets[index].rotate = v }
        }
    }

    static let secretGrantValued = [["r", "relation"], ["unit"]]

    static func secretGrant(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: secretGrantValued)
        guard let raw = a.positionals.first else { throw ToolFailure("missing secret URI") }
        guard let relation = a.value("r") else { throw ToolFailure("missing relation") }
        let id = HookContext.secretID(raw)
        let relationID = try c.relationID(relation)
        do { try c.tools.secretGrant(id: id, relationID: relationID) } catch { throw c.failure(error, secret: id) }
    }

    static func secretRevoke(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [["r", "relation"], ["app"], ["unit"]])
        guard let raw = a.positionals.first else { throw ToolFailure("missing secret URI") }
        let id = HookContext.secretID(raw)
        var apps: [String] = []
        if let relation = a.value("r") {
            let relationID = try c.relationID(relation)
            apps += c.relation(relationID)?.apps.filter { $0 != c.app } ?? []
        }
        if let app = a.value("app") { apps.append(app) }
        if let unit = a.value("unit") { apps.append(Snapshot.app(of: unit)) }
        guard !apps.isEmpty else { throw ToolFailure("missing relation or application or unit") }
        _ = try c.ownedSecret(id)
        try c.edit { s in
            guard let index = s.secrets.firstIndex(where: { $0.id == id }) else { return }
            s.secrets[index].grants.removeAll { apps.contains($0) }
        }
    }

    static func secretRemove(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [["revision"]])
        guard let raw = a.positionals.first else { throw ToolFailure("missing secret URI") }
        let id = HookContext.secretID(raw)
        if let text = a.value("revision") {
            let secret = try c.ownedSecret(id)
            guard let revision = Int(text), revision >= 1, revision <= secret.revisions.count else {
                throw ToolFailure("revision \(text) not found")
            }
            // Revision numbers stay stable: only removing the last remaining revision removes the secret.
            guard secret.revisions.count == 1 else { return }
        }
        do { try c.tools.secretRemove(id: id) } catch { throw c.failure(error, secret: id) }
    }

    static func secretIDs(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format])
        let ids = c.snapshot.secrets.filter { $0.owner == c.app }.map(\.id).sorted()
        c.emit(.array(ids.map { .string($0) }), format: a.value("format"))
    }

    static func secretInfoGet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format, ["label"]])
        let id = a.positionals.first.map(HookContext.secretID)
        let label = a.value("label")
        guard (id == nil) != (label == nil) else { throw ToolFailure("specify either a secret URI or label but not both") }
        guard
            let secret = c.snapshot.secrets.first(where: { s in
                s.owner == c.app && (id.map { s.id == $0 } ?? (s.ownerLabel == label))
            })
        else {
            throw ToolFailure("secret \"\(HookContext.bareSecretID(id ?? label ?? ""))\" not found [JUJU-SECRET-ACCESS]")
        }
        var info: [String: JSONValue] = [
            "revision": .number(JSONNumber(secret.revisions.count)), "owner": "application",
            "rotation": .string(secret.rotate ?? "never"),
        ]
        if let label = secret.ownerLabel { info["label"] = .string(label) }
        if let description = secret.description { info["description"] = .string(description) }
        if let expire = secret.expire { info["expiry"] = .string(expire) }
        c.emit([HookContext.bareSecretID(secret.id): .object(info)], format: a.value("format"))
    }

    // MARK: Network, ports, goal state

    static func networkGet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(
            c.args, valued: [format, ["r", "relation"]],
            boolean: [["primary-address"], ["bind-address"], ["ingress-address"], ["egress-subnets"]])
        if let relation = a.value("r") { _ = try c.relationID(relation) }
        guard a.positionals.count == 1 else { throw ToolFailure("no arguments specified") }
        let fmt = a.value("format")
        if a.flag("primary-address") || a.flag("bind-address") || a.flag("ingress-address") {
            c.emit("127.0.0.1", format: fmt)
        } else if a.flag("egress-subnets") {
            c.emit(fmt == "json" ? ["127.0.0.1/32"] : "127.0.0.1/32", format: fmt)
        } else {
            let value: JSONValue = [
                "bind-addresses": [
                    [
                        "mac-address": "", "interface-name": "lo",
                        "addresses": [["hostname": "", "value": "127.0.0.1", "cidr": "127.0.0.0/8"]],
                    ]
                ],
                "egress-subnets": ["127.0.0.1/32"],
                "ingress-addresses": ["127.0.0.1"],
            ]
            c.emit(value, format: fmt)
        }
    }

    static func port(_ c: HookContext) throws(ToolFailure) -> String {
        let a = try Arguments(c.args, valued: [["endpoints"], format])
        guard let raw = a.positionals.first, a.positionals.count == 1 else {
            throw ToolFailure("invalid arguments, expected \"<port>[/<protocol>]\" or \"<from>-<to>[/<protocol>]\" or \"icmp\"")
        }
        if raw == "icmp" { return raw }
        return raw.contains("/") ? raw : raw + "/tcp"
    }

    static func openPort(_ c: HookContext) throws(ToolFailure) {
        let port = try port(c)
        try c.edit { s in
            if !(s.openedPorts[c.unit] ?? []).contains(port) { s.openedPorts[c.unit, default: []].append(port) }
        }
    }

    static func closePort(_ c: HookContext) throws(ToolFailure) {
        let port = try port(c)
        try c.edit { s in
            s.openedPorts[c.unit]?.removeAll { $0 == port }
            if s.openedPorts[c.unit]?.isEmpty == true { s.openedPorts.removeValue(forKey: c.unit) }
        }
    }

    static func openedPorts(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format], boolean: [["endpoints"]])
        let ports = c.snapshot.openedPorts[c.unit] ?? []
        c.emit(.array(ports.map { .string(a.flag("endpoints") ? "\($0) (*)" : $0) }), format: a.value("format"))
    }

    static let since = "2024-01-01T00:00:00Z"

    static func goalState(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format])
        let goal: JSONValue = ["status": "active", "since": .string(since)]
        var units: [String: JSONValue] = [:]
        for unit in c.snapshot.units[c.app] ?? [c.unit] { units[unit] = goal }
        var relations: [String: JSONValue] = [:]
        for relation in c.snapshot.relations where relation.apps.contains(c.app) {
            guard let endpoint = relation.endpoints[c.app] else { continue }
            var members = relations[endpoint]?.objectValue ?? [:]
            for remote in relation.apps where remote != c.app {
                members[remote] = ["status": "joined", "since": .string(since)]
                for unit in relation.units[remote] ?? [] { members[unit] = goal }
            }
            relations[endpoint] = .object(members)
        }
        c.emit(["units": .object(units), "relations": .object(relations)], format: a.value("format") ?? "json")
    }

    // MARK: Not available in a relation hook

    static func notAnAction(_ c: HookContext) throws(ToolFailure) {
        throw ToolFailure("not running an action")
    }

    static func storageGet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format, ["s"]])
        if let storage = a.value("s") { throw ToolFailure("invalid value \"\(storage)\" for option -s: storage not found") }
        throw ToolFailure("no storage instance specified")
    }

    static func storageList(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format])
        c.emit([], format: a.value("format"))
    }

    // MARK: Legacy leader settings

    static func leaderGet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [format])
        let settings = c.snapshot.leaderSettings[c.app] ?? [:]
        if let key = a.positionals.first, key != "-" {
            c.emit(settings[key].map { .string($0) } ?? .null, format: a.value("format"))
        } else {
            c.emit(.object(settings.mapValues { .string($0) }), format: a.value("format"))
        }
    }

    static func leaderSet(_ c: HookContext) throws(ToolFailure) {
        let a = try Arguments(c.args, valued: [["file"]])
        guard c.isLeader else {
            throw ToolFailure("cannot write leadership settings: cannot write settings: not the leader [JUJU-APP-BAG-LEADER]")
        }
        var changes: [String: String] = [:]
        if let file = a.value("file") { changes = try Settings.parse(try c.read(file), what: "leader settings") }
        for arg in a.positionals {
            guard let eq = arg.firstIndex(of: "="), eq != arg.startIndex else {
                throw ToolFailure("expected \"key=value\", got \"\(arg)\"")
            }
            changes[String(arg[..<eq])] = String(arg[arg.index(after: eq)...])
        }
        try c.edit { s in
            var settings = s.leaderSettings[c.app] ?? [:]
            for (k, v) in changes { settings[k] = v.isEmpty ? nil : v }
            s.leaderSettings[c.app] = settings
        }
    }

    // MARK: Call log

    /// The argv as logged: values of `key=value` arguments of secret-add, secret-set,
    /// relation-set and leader-set become `<value>`.
    static func redacted(tool: String, args: [String]) -> [String] {
        let valued: [[String]]
        switch tool {
        case "secret-add", "secret-set": valued = secretMetadataFlags
        case "relation-set": valued = relationSetValued
        case "leader-set": valued = [["file"]]
        default: return [tool] + args
        }
        let names = Set(valued.flatMap { $0 })
        var result = [tool]
        var index = 0
        var flagsDone = false
        while index < args.count {
            let arg = args[index]
            index += 1
            if !flagsDone, arg == "--" {
                flagsDone = true
                result.append(arg)
                continue
            }
            if !flagsDone, arg.hasPrefix("-"), arg.count > 1 {
                result.append(arg)
                let name = String(arg.drop(while: { $0 == "-" }))
                if names.contains(name), index < args.count {
                    result.append(args[index])
                    index += 1
                }
                continue
            }
            if let eq = arg.firstIndex(of: "=") {
                result.append(String(arg[...eq]) + "<value>")
            } else {
                result.append(arg)
            }
        }
        return result
    }
}
