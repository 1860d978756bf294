import JujuJSON

/// The provider charm's answers on one relation during one hook, written as `data_interfaces`
/// writes them. Each setter adds to ``output``; nothing reaches Juju until a runner applies it.
///
/// - Non-leaders write nothing (PROV-SET-LEADER-ONLY; an error is logged, as in Python).
/// - Before the requirer's `database` is known, only endpoints may be written
///   (PROV-SET-PREMATURE: the setter throws).
/// - With Juju secrets and a `requested-secrets` list, requested fields go into one secret per
///   group (PROV-SET-SECRETS), later writes update it (PROV-SET-SECRET-UPDATE), unless a
///   requested field already sits in plain text (PROV-SET-DATABAG-FALLBACK).
public struct ProviderSession: Sendable {
    public let context: RelationContext
    public private(set) var output: EngineOutput
    let secrets: any SecretReading
    /// Contents of secrets this hook created or updated, by group.
    private var pendingContent: [SecretGroup: [String: String]] = [:]

    init(context: RelationContext, output: EngineOutput, secrets: any SecretReading) {
        self.context = context
        self.output = output
        self.secrets = secrets
    }

    /// The app bag as it will be after this hook's changes so far.
    public var appBag: Databag {
        var bag = context.localAppBag ?? Databag()
        bag.update(output.appChanges.filter { !$0.key.isEmpty })
        return bag
    }

    public mutating func setCredentials(username: String, password: String) throws(EngineError) {
        try update(["username": username, "password": password])
    }

    public mutating func setEntityCredentials(name: String, password: String?) throws(EngineError) {
        var fields = ["entity-name": name]
        fields["entity-password"] = password
        try update(fields)
    }

    public mutating func setEndpoints(_ endpoints: String) throws(EngineError) { try update(["endpoints": endpoints]) }
    public mutating func setReadOnlyEndpoints(_ endpoints: String) throws(EngineError) { try update(["read-only-endpoints": endpoints]) }
    public mutating func setURIs(_ uris: String) throws(EngineError) { try update(["uris": uris]) }
    public mutating func setReadOnlyURIs(_ uris: String) throws(EngineError) { try update(["read-only-uris": uris]) }
    public mutating func setVersion(_ version: String) throws(EngineError) { try update(["version": version]) }
    /// `tls` as postgresql-k8s writes it: `"True"` or `"False"`.
    public mutating func setTLS(_ tls: String) throws(EngineError) { try update(["tls": tls]) }
    public mutating func setTLSCA(_ ca: String) throws(EngineError) { try update(["tls-ca": ca]) }
    public mutating func setDatabase(_ name: String) throws(EngineError) { try update(["database": name]) }
    /// Sorted and comma-joined, as `set_prefix_databases` writes them.
    public mutating func setPrefixDatabases(_ names: [String]) throws(EngineError) {
        try update(["prefix-databases": names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: ",")])
    }
    public mutating func setSubordinated() throws(EngineError) { try update(["subordinated": "true"]) }

    /// The statuses currently raised on this relation (from our app bag).
    public var statuses: [RelationStatus] {
        guard let text = appBag["status"] else { return [] }
        return (try? JSONValueDecoder().decode([RelationStatus].self, fromJSON: text)) ?? []
    }

    public mutating func raiseStatus(_ status: RelationStatus) throws(EngineError) {
        var byCode = Dictionary(statuses.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
        byCode[status.code] = status
        try writeStatuses(byCode)
    }

    public mutating func resolveStatus(code: Int) throws(EngineError) {
        var byCode = Dictionary(statuses.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
        guard byCode.removeValue(forKey: code) != nil else {
            output.logs.append(LogRecord(.error, "status \(code) has never been raised"))
            return
        }
        try writeStatuses(byCode)
    }

    public mutating func clearStatuses() throws(EngineError) {
        guard leaderCheck("clear_statuses") else { return }
        output.appChanges["status"] = ""
    }

    private mutating func writeStatuses(_ byCode: [Int: RelationStatus]) throws(EngineError) {
        let list = byCode.keys.sorted().map { code -> JSONValue in
            let s = byCode[code]!
            return ["code": .number(JSONNumber(s.code)), "message": .string(s.message), "resolution": .string(s.resolution)]
        }
        try update(["status": JSONValue.array(list).serialized(style: .python)])
    }

    private mutating func leaderCheck(_ operation: String) -> Bool {
        if context.isLeader, context.localAppBag != nil { return true }
        output.logs.append(LogRecord(.error, "\(operation) can only be performed by the leader unit"))
        return false
    }

    /// `update_relation_data` with data_interfaces' rules.
    public mutating func update(_ fields: [String: String]) throws(EngineError) {
        guard leaderCheck("update_relation_data") else { return }
        let early: Set<String> = ["endpoints", "read-only-endpoints", "replset", "encryption-secret"]
        if context.remoteAppBag["database"] == nil, !Set(fields.keys).subtracting(early).isEmpty {
            throw EngineError(
                code: Rule.provSetPremature.id,
                message: "the requirer has not sent its database yet: only endpoints may be written before the request")
        }
        let requested = requestedSecretFields
        let bag = appBag
        let fallback = !requested.isEmpty && requested.contains { bag[$0] != nil }
        var plain = fields
        if context.secretsEnabled, !requested.isEmpty, !fallback {
            var grouped: [SecretGroup: [String: String]] = [:]
            for (key, value) in fields where requested.contains(key) {
                grouped[SecretGroup.group(for: key), default: [:]][key] = value
                plain.removeValue(forKey: key)
            }
            for group in grouped.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                try store(grouped[group]!, in: group, bag: bag)
            }
        }
        for (key, value) in plain { output.appChanges[key] = value }
    }

    /// The string items of the requirer's `requested-secrets` list, as data_interfaces v0 uses
    /// it: a list with other items in it too (a number, say: REQ-REQUESTED-SECRETS-FORMAT,
    /// reported in `violations`) still asks for the fields it names. Not a JSON list: none.
    private var requestedSecretFields: [String] {
        guard let text = context.remoteAppBag["requested-secrets"],
            case .array(let items)? = try? JSONParser().parse(text)
        else { return [] }
        return items.compactMap(\.stringValue)
    }

    private mutating func store(_ content: [String: String], in group: SecretGroup, bag: Databag) throws(EngineError) {
        let label = context.secretLabel(group)
        if let uri = bag[group.fieldName], !uri.hasPrefix("pending:") {
            var merged: [String: String]
            if let pending = pendingContent[group] {
                merged = pending
            } else {
                merged = try secrets.secretContent(uri: uri, label: label, refresh: false)
            }
            merged.merge(content) { _, new in new }
            pendingContent[group] = merged
            output.secretActions.removeAll { if case .update(let u, _, _) = $0 { return u == uri } else { return false } }
            output.secretActions.append(.update(uri: uri, label: label, content: merged))
        } else if var pending = pendingContent[group] {
            pending.merge(content) { _, new in new }
            pendingContent[group] = pending
            output.secretActions = output.secretActions.map { action in
                if case .create(let g, let l, _) = action, g == group { return .create(group: g, label: l, content: pending) }
                return action
            }
        } else {
            pendingContent[group] = content
            output.secretActions.append(.create(group: group, label: label, content: content))
            output.appChanges[group.fieldName] = "pending:" + label
        }
    }
}
