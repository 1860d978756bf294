import JujuJSON

/// The requirer side of `postgresql_client` v0, as `data_interfaces`'s `DatabaseRequires`.
///
/// Pure: given the relation as Juju shows it at the start of a hook, it returns what to write and
/// which events to emit (``EngineOutput``). Rules: `Specs/postgresql_client-v0.md`, REQ-EVT-*.
public struct DatabaseRequirer: Sendable {
    /// What the charm passes to the constructor (Python's `DatabaseRequires` arguments).
    public struct Configuration: Sendable, Hashable {
        public var relationName: String
        public var databaseName: String
        public var extraUserRoles: String?
        public var extraGroupRoles: String?
        public var relationsAliases: [String]?
        public var additionalSecretFields: [String]
        public var externalNodeConnectivity: Bool
        public var entityType: EntityType?
        public var entityPermissions: String?
        public var requestedEntitySecret: String?
        public var prefixMatching: String?

        public init(
            relationName: String, databaseName: String, extraUserRoles: String? = nil,
            relationsAliases: [String]? = nil, additionalSecretFields: [String] = [],
            externalNodeConnectivity: Bool = false, extraGroupRoles: String? = nil, entityType: EntityType? = nil,
            entityPermissions: String? = nil, requestedEntitySecret: String? = nil, prefixMatching: String? = nil
        ) {
            self.relationName = relationName
            self.databaseName = databaseName
            self.extraUserRoles = extraUserRoles
            self.relationsAliases = relationsAliases
            self.additionalSecretFields = additionalSecretFields
            self.externalNodeConnectivity = externalNodeConnectivity
            self.extraGroupRoles = extraGroupRoles
            self.entityType = entityType
            self.entityPermissions = entityPermissions
            self.requestedEntitySecret = requestedEntitySecret
            self.prefixMatching = prefixMatching
        }
    }

    public let configuration: Configuration

    /// Checks the configuration as `DatabaseRequires` does (entity type and roles agree,
    /// permissions are well-formed JSON).
    public init(_ configuration: Configuration) throws(EngineError) {
        if configuration.entityType == .user, configuration.extraGroupRoles != nil {
            throw EngineError(code: "REQ-ENTITY-ROLES-CONSISTENT", message: "a USER entity takes extra_user_roles, not extra_group_roles")
        }
        if configuration.entityType == .group, configuration.extraUserRoles != nil {
            throw EngineError(code: "REQ-ENTITY-ROLES-CONSISTENT", message: "a GROUP entity takes extra_group_roles, not extra_user_roles")
        }
        if let permissions = configuration.entityPermissions, !DatabagValidator.Context.isPermissionList(permissions) {
            throw EngineError(code: "REQ-ENTITY-PERMISSIONS-FORMAT", message: "entity_permissions is not a JSON list of {resource_name, resource_type, privileges}")
        }
        self.configuration = configuration
    }

    /// The fields asked for as secrets (Juju 3): data_interfaces' list plus the additional ones.
    public var requestedSecrets: [String] { SecretGroup.defaultRequestedSecrets + configuration.additionalSecretFields }

    /// Handles one hook of this relation.
    public func handle(_ hook: RelationHook, context: RelationContext, secrets: any SecretReading) throws(EngineError) -> EngineOutput {
        switch hook {
        case .created: return relationCreated(context)
        case .changed: return try relationChanged(context, secrets: secrets)
        case .joined, .departed, .broken, .secretChanged, .leaderElected: return EngineOutput()
        }
    }

    // MARK: relation-created

    func relationCreated(_ context: RelationContext) -> EngineOutput {
        var output = EngineOutput()
        if context.isLeader, context.secretsEnabled {
            let requested = JSONValue.array(requestedSecrets.map { .string($0) }).serialized(style: .python)
            let provided = #"["mtls-cert"]"#
            output.appChanges["requested-secrets"] = requested
            output.unitChanges["requested-secrets"] = requested
            output.appChanges["provided-secrets"] = provided
            output.unitChanges["provided-secrets"] = provided
        }
        if let aliases = configuration.relationsAliases, context.localUnitBag["alias"] == nil {
            if let alias = aliases.first(where: { !context.aliasesInUse.contains($0) }) {
                output.unitChanges["alias"] = alias
                if context.isLeader { output.appChanges["alias"] = alias }
            } else {
                output.logs.append(LogRecord(.error, "no free alias left for relation \(context.relationID)"))
            }
        }
        guard context.isLeader else { return output }
        output.appChanges["database"] = configuration.databaseName
        output.appChanges["extra-user-roles"] = configuration.extraUserRoles
        output.appChanges["extra-group-roles"] = configuration.extraGroupRoles
        output.appChanges["entity-type"] = configuration.entityType?.rawValue
        output.appChanges["entity-permissions"] = configuration.entityPermissions
        output.appChanges["requested-entity-secret"] = configuration.requestedEntitySecret
        output.appChanges["prefix-matching"] = configuration.prefixMatching
        if configuration.externalNodeConnectivity { output.appChanges["external-node-connectivity"] = "true" }
        return output
    }

    // MARK: relation-changed

    func relationChanged(_ context: RelationContext, secrets: any SecretReading) throws(EngineError) -> EngineOutput {
        var output = EngineOutput()
        let remote = context.remoteAppBag

        // Our own snapshot: absent or corrupt counts as empty (REQU-DATA-SNAPSHOT, a warning).
        var old: [String: String] = [:]
        switch context.localUnitBag.storedSnapshot() {
        case .none: break
        case .some(.none):
            output.logs.append(LogRecord(.warning, "REQU-DATA-SNAPSHOT data: the stored snapshot is not a JSON object of strings without a data key of its own; treating it as empty"))
        case .some(.some(let snapshot)): old = snapshot
        }

        // The provider's bag is checked before anything is decided (REQ-EVT-REMOTE-INVALID).
        let violations = DatabagValidator().validate(remote, as: .providerApp)
        // The provider's own snapshot matters only for its entity-type; dpcharmlibs v1 providers
        // write it with nested JSON values, so only a snapshot that is no JSON object blocks.
        let providerData = remote["data"].flatMap { try? JSONParser().parse($0) }
        func blocks(_ violation: Violation) -> Bool {
            violation.rule.blocksRequirer && !(violation.rule == .provDataSnapshot && providerData?.objectValue != nil)
        }
        for violation in violations where !blocks(violation) {
            output.logs.append(LogRecord(.warning, "remote data: \(violation)"))
        }
        if let blocking = violations.first(where: blocks) {
            throw EngineError(code: blocking.rule.id, message: "the provider's application bag breaks \(blocking); nothing was written, the hook will run again when the data changes")
        }

        // Status events fire before the subordinate gate (REQ-EVT-STATUS).
        output.events += statusEvents(old: old["status"], new: remote["status"], relationID: context.relationID)

        // Subordinate gate (REQ-EVT-SUBORDINATE-GATE).
        if remote["subordinated"] == "true" {
            let lastRemote = context.remoteUnits.last { !$0.name.hasPrefix(context.localApp) }
            if lastRemote?.bag["state"] != "ready" {
                output.logs.append(LogRecord(.debug, "provider is subordinated and its unit is not ready yet"))
                return output
            }
        }

        // Snapshot and diff (REQ-EVT-SNAPSHOT).
        let new = remote.withoutSnapshot
        let diff = DatabagDiff(old: old, new: new)
        output.unitChanges["data"] = remote.snapshotText()

        let providerSawEntity = providerData?["entity-type"] != nil
        var eventName: String?
        if (diff.added.contains("secret-user") || (diff.added.contains("username") && diff.added.contains("password"))),
            !providerSawEntity
        {
            eventName = "database_created"
        } else if (diff.added.contains("secret-entity") || diff.added.contains("entity-name")), providerSawEntity {
            eventName = "database_entity_created"
        } else if diff.touched("endpoints") {
            eventName = "endpoints_changed"
        } else if diff.touched("read-only-endpoints") {
            eventName = "read_only_endpoints_changed"
        } else if diff.touched("prefix-databases") {
            eventName = "prefix_databases_changed"
        }
        if let eventName {
            let fields = try eventFields(context, secrets: secrets)
            output.events.append(LibraryEvent(name: eventName, relationID: context.relationID, fields: fields))
            if let alias = context.localUnitBag["alias"] {
                output.events.append(LibraryEvent(name: "\(alias)_\(eventName)", relationID: context.relationID, fields: fields))
            }
            output.logs.append(LogRecord(.info, "\(eventName) on relation \(context.relationID)"))
        }
        return output
    }

    func statusEvents(old: String?, new: String?, relationID: Int) -> [LibraryEvent] {
        func statuses(_ text: String?) -> [Int: JSONValue] {
            guard let text, let list = (try? JSONParser().parse(text))?.arrayValue else { return [:] }
            var result: [Int: JSONValue] = [:]
            for item in list {
                if let code = item["code"]?.numberValue?.intValue { result[code] = item }
            }
            return result
        }
        let before = statuses(old)
        let after = statuses(new)
        var events: [LibraryEvent] = []
        for code in after.keys.sorted() where before[code] == nil {
            events.append(LibraryEvent(name: "status_raised", relationID: relationID, fields: ["status": after[code]!]))
        }
        for code in before.keys.sorted() where after[code] == nil {
            events.append(LibraryEvent(name: "status_resolved", relationID: relationID, fields: ["status": before[code]!]))
        }
        return events
    }

    /// The attributes of a database event, read as `data_interfaces` reads them: secret fields
    /// from the group's secret when the bag names one (REQ-EVT-SECRET-FIELDS), else the bag.
    func eventFields(_ context: RelationContext, secrets: any SecretReading) throws(EngineError) -> [String: JSONValue] {
        let remote = context.remoteAppBag
        var groupContent: [SecretGroup: [String: String]] = [:]
        if context.secretsEnabled {
            for group in [SecretGroup.user, .tls, .entity] {
                if let uri = remote[group.fieldName] {
                    let content = try secrets.secretContent(uri: uri, label: context.secretLabel(group), refresh: true)
                    try Self.checkSecretContent(content, group: group)
                    groupContent[group] = content
                }
            }
        }
        func value(_ key: String, group: SecretGroup?) -> JSONValue {
            if let group, let content = groupContent[group] { return content[key].map(JSONValue.string) ?? .null }
            return remote[key].map(JSONValue.string) ?? .null
        }
        var fields: [String: JSONValue] = [
            "username": value("username", group: .user), "password": value("password", group: .user),
            "uris": value("uris", group: .user), "read_only_uris": value("read-only-uris", group: .user),
            "tls": value("tls", group: .tls), "tls_ca": value("tls-ca", group: .tls),
            "entity_name": value("entity-name", group: .entity), "entity_password": value("entity-password", group: .entity),
            "endpoints": value("endpoints", group: nil), "read_only_endpoints": value("read-only-endpoints", group: nil),
            "version": value("version", group: nil), "database": value("database", group: nil),
            "replset": value("replset", group: nil),
        ]
        fields["prefix_databases"] = .array((remote["prefix-databases"] ?? "").split(separator: ",").map { .string(String($0)) })
        return fields
    }

    /// The format rules that also apply to the fields of the `user` and `tls` secrets
    /// (REQ-EVT-SECRET-CONTENT): what the charm receives from a secret is checked as strictly as
    /// what it would receive from the bag.
    static let secretContentRules: Set<Rule> = [.provUsernameFormat, .provURIsFormat, .provReadOnlyURIsFormat, .provTLSFlag, .provTLSCAFormat]

    /// Fails with the id of the first broken rule (validator order) when a field the group
    /// carries breaks its format rule. Keys the group does not carry are not looked at.
    static func checkSecretContent(_ content: [String: String], group: SecretGroup) throws(EngineError) {
        let fields = content.filter { SecretGroup.group(for: $0.key) == group && !$0.value.isEmpty }
        guard !fields.isEmpty else { return }
        let violations = DatabagValidator().validate(Databag(fields), as: .providerApp)
        if let broken = violations.first(where: { secretContentRules.contains($0.rule) }) {
            throw EngineError(
                code: broken.rule.id,
                message: "the provider's \(group.fieldName) secret breaks \(broken) (REQ-EVT-SECRET-CONTENT); nothing was written, the hook will run again when the secret or the bag changes")
        }
    }

    // MARK: Queries

    /// `is_resource_created`: whether the provider has shared credentials on this relation.
    /// False for a broken relation (there is nothing to use) and, in ``isResourceCreated(in:)``,
    /// false when there is no relation at all.
    public func isResourceCreated(_ context: RelationContext, broken: Bool = false, secrets: any SecretReading) -> Bool {
        guard !broken, context.remoteApp != nil else { return false }
        guard let fields = try? eventFields(context, secrets: secrets) else { return false }
        let has = { (key: String) in !(fields[key]?.stringValue ?? "").isEmpty }
        return (has("username") && has("password")) || has("entity_name")
    }

    /// `is_resource_created()` over every relation of the endpoint: all must have credentials,
    /// and there must be at least one.
    public func isResourceCreated(in contexts: [RelationContext], secrets: any SecretReading) -> Bool {
        !contexts.isEmpty && contexts.allSatisfy { isResourceCreated($0, secrets: secrets) }
    }
}
