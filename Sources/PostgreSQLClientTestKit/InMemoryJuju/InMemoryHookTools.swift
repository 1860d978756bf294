import JujuHookTools
import PostgreSQLClient

/// One unit's hook tools on an ``InMemoryJuju`` model. Argument shapes are recorded as the real
/// tools would be called.
public struct InMemoryHookTools: HookTools {
    public let model: InMemoryJuju
    public let unit: String
    public var app: String { InMemoryJuju.app(of: unit) }

    func refuse(_ code: HookToolError.Code, _ tool: String, _ rule: Rule?, _ message: String) -> HookToolError {
        HookToolError(code, tool: tool, message: (rule.map { "\($0.id): " } ?? "") + message)
    }

    func relation(_ id: Int, tool: String) throws(HookToolError) -> InMemoryJuju.Relation {
        guard let relation = model.relation(id), relation.apps.contains(app) else {
            throw refuse(.relationNotFound, tool, nil, "relation \(id) not found")
        }
        return relation
    }

    var isLeaderNow: Bool { model.state.withLock { $0.leaders[app] == unit } }

    public func relationIDs(endpoint: String) throws(HookToolError) -> [Int] {
        try model.record(unit, ["relation-ids", endpoint, "--format=json"])
        return model.state.withLock { s in
            s.relations.values.filter { $0.endpoints[app] == endpoint }.map(\.id).sorted()
        }
    }

    public func relationList(relationID: Int) throws(HookToolError) -> [String] {
        try model.record(unit, ["relation-list", "-r", String(relationID), "--format=json"])
        let relation = try relation(relationID, tool: "relation-list")
        let remote = relation.apps.first { $0 != app } ?? app
        return (relation.units[remote] ?? []).sorted { a, b in
            (Int(a.split(separator: "/").last ?? "") ?? 0) < (Int(b.split(separator: "/").last ?? "") ?? 0)
        }
    }

    public func relationGet(relationID: Int, member: String, app isApp: Bool) throws(HookToolError) -> Databag {
        var argv = ["relation-get", "--format=json", "-r", String(relationID)]
        if isApp { argv.append("--app") }
        try model.record(unit, argv + ["-", member])
        let relation = try relation(relationID, tool: "relation-get")
        if isApp {
            guard relation.apps.contains(member) else {
                throw refuse(.invalidArgument, "relation-get", nil, "\(member) is not an application in relation \(relationID)")
            }
            if member == app, !isLeaderNow {
                throw refuse(.permissionDenied, "relation-get", .jujuAppBagLeader, "permission denied: only the leader can read its application data")
            }
            return relation.appBags[member] ?? Databag()
        }
        guard relation.unitBags[member] != nil || member == unit else {
            throw refuse(.invalidArgument, "relation-get", nil, "unit \(member) is not in relation \(relationID)")
        }
        return relation.unitBags[member] ?? Databag()
    }

    public func relationSet(relationID: Int, app isApp: Bool, changes: [String: String]) throws(HookToolError) {
        var argv = ["relation-set", "-r", String(relationID)]
        if isApp { argv.append("--app") }
        try model.record(unit, argv + ["--file", "-"])
        _ = try relation(relationID, tool: "relation-set")
        if isApp, !isLeaderNow {
            throw refuse(.permissionDenied, "relation-set", .jujuAppBagLeader, "permission denied: only the leader can write its application data")
        }
        for key in changes.keys where key.isEmpty {
            throw refuse(.invalidArgument, "relation-set", .jujuValueString, "empty key")
        }
        model.state.withLock { s in
            guard var relation = s.relations[relationID] else { return }
            if isApp {
                var bag = relation.appBags[app] ?? Databag()
                bag.update(changes)
                relation.appBags[app] = bag
            } else {
                var bag = relation.unitBags[unit] ?? Databag()
                bag.update(changes)
                relation.unitBags[unit] = bag
            }
            s.relations[relationID] = relation
        }
    }

    public func isLeader() throws(HookToolError) -> Bool {
        try model.record(unit, ["is-leader", "--format=json"])
        return isLeaderNow
    }

    public func statusSet(_ status: WorkloadStatus, message: String, application: Bool) throws(HookToolError) {
        try model.record(unit, ["status-set"] + (application ? ["--application"] : []) + [status.rawValue, message])
        if application, !isLeaderNow {
            throw refuse(.permissionDenied, "status-set", .jujuAppBagLeader, "only the leader can set the application status")
        }
        model.state.withLock { $0.statuses[application ? app : unit] = (status, message) }
    }

    public func log(_ level: LogLevel, _ message: String) throws(HookToolError) {
        try model.record(unit, ["juju-log", "--log-level", level.rawValue, message])
        model.state.withLock { $0.logs.append("\(unit) \(level.rawValue) \(message)") }
    }

    public func secretAdd(content: [String: String], label: String?) throws(HookToolError) -> String {
        try model.record(unit, ["secret-add", "--owner", "application"] + (label.map { ["--label", $0] } ?? []) + content.keys.sorted().map { "\($0)=<value>" })
        guard isLeaderNow else {
            throw refuse(.permissionDenied, "secret-add", .jujuAppBagLeader, "only the leader can add application-owned secrets")
        }
        for (key, value) in content where !SecretKey.isValid(key) || value.isEmpty {
            throw refuse(.invalidArgument, "secret-add", nil, "invalid secret key or empty value for \(key)")
        }
        let id = model.nextSecretID()
        model.state.withLock { s in
            var secret = InMemoryJuju.Secret(id: id, owner: app, revisions: [content])
            secret.ownerLabel = label
            s.secrets[id] = secret
        }
        return id
    }

    /// Finds a secret by id or by this application's label for it.
    func find(id: String?, label: String?, tool: String) throws(HookToolError) -> InMemoryJuju.Secret {
        let app = self.app
        let found: InMemoryJuju.Secret? = model.state.withLock { s in
            if let id { return s.secrets[id] }
            return s.secrets.values.first { $0.owner == app ? $0.ownerLabel == label : $0.consumerLabels[app] == label }
        }
        guard let secret = found else {
            throw refuse(.secretNotFound, tool, .jujuSecretAccess, "secret \(id ?? label ?? "?") not found")
        }
        guard secret.owner == app || secret.grants.contains(app) else {
            throw refuse(.permissionDenied, tool, .jujuSecretAccess, "secret \(secret.id) is not granted to \(app)")
        }
        return secret
    }

    public func secretGet(id: String?, label: String?, refresh: Bool, peek: Bool) throws(HookToolError) -> [String: String] {
        try model.record(unit, ["secret-get"] + (id.map { [$0] } ?? []) + (label.map { ["--label", $0] } ?? []) + (refresh ? ["--refresh"] : []) + (peek ? ["--peek"] : []) + ["--format=json"])
        let secret = try find(id: id, label: label, tool: "secret-get")
        let app = self.app
        if secret.owner == app {
            if refresh {
                throw refuse(.invalidArgument, "secret-get", .jujuSecretOwnerRefresh, "secret owner cannot use --refresh")
            }
            if let label, id != nil { model.state.withLock { $0.secrets[secret.id]?.ownerLabel = label } }
            return secret.revisions.last ?? [:]
        }
        return model.state.withLock { s in
            var current = s.secrets[secret.id]!
            if let label, id != nil { current.consumerLabels[app] = label }
            let revision: Int
            if peek {
                revision = current.latest
            } else if refresh || current.tracked[app] == nil {
                revision = current.latest
                current.tracked[app] = revision
            } else {
                revision = current.tracked[app]!
            }
            s.secrets[secret.id] = current
            return current.revisions[revision - 1]
        }
    }

    func requireOwner(_ secret: InMemoryJuju.Secret, tool: String) throws(HookToolError) {
        guard secret.owner == app, isLeaderNow else {
            throw refuse(.permissionDenied, tool, .jujuSecretAccess, "only the owner's leader can change secret \(secret.id)")
        }
    }

    public func secretSet(id: String, content: [String: String]) throws(HookToolError) {
        try model.record(unit, ["secret-set", id] + content.keys.sorted().map { "\($0)=<value>" })
        let secret = try find(id: id, label: nil, tool: "secret-set")
        try requireOwner(secret, tool: "secret-set")
        model.state.withLock { s in
            if s.secrets[id]?.revisions.last != content { s.secrets[id]?.revisions.append(content) }
        }
    }

    public func secretGrant(id: String, relationID: Int) throws(HookToolError) {
        try model.record(unit, ["secret-grant", id, "-r", String(relationID)])
        let secret = try find(id: id, label: nil, tool: "secret-grant")
        try requireOwner(secret, tool: "secret-grant")
        let relation = try relation(relationID, tool: "secret-grant")
        let app = self.app
        model.state.withLock { s in
            for other in relation.apps where other != app { s.secrets[id]?.grants.insert(other) }
        }
    }

    public func secretRemove(id: String) throws(HookToolError) {
        try model.record(unit, ["secret-remove", id])
        let secret = try find(id: id, label: nil, tool: "secret-remove")
        try requireOwner(secret, tool: "secret-remove")
        model.state.withLock { _ = $0.secrets.removeValue(forKey: id) }
    }
}
