import JujuJSON

/// The provider side of `postgresql_client` v0, as `data_interfaces`'s `DatabaseProvides`.
///
/// ``handle(_:context:)`` turns a hook into events (`database_requested`, ...); the charm then
/// answers through a ``ProviderSession`` (`setCredentials`, `setEndpoints`, ...), which follows
/// `data_interfaces`' rules for leadership, premature writes and Juju secrets. Rules:
/// `Specs/postgresql_client-v0.md`, PROV-EVT-* and PROV-SET-*.
public struct DatabaseProvider: Sendable {
    public let relationName: String

    public init(relationName: String) {
        self.relationName = relationName
    }

    /// Handles one hook of this relation.
    public func handle(_ hook: RelationHook, context: RelationContext) throws(EngineError) -> EngineOutput {
        guard case .changed = hook else { return EngineOutput() }
        var output = EngineOutput()
        guard context.isLeader, let ownBag = context.localAppBag else { return output }  // PROV-EVT-NONLEADER

        var old: [String: String] = [:]
        switch ownBag.storedSnapshot() {
        case .none: break
        case .some(.none):
            output.logs.append(LogRecord(.warning, "PROV-DATA-SNAPSHOT data: the stored snapshot is not a JSON object of strings without a data key of its own; treating it as empty"))
        case .some(.some(let snapshot)): old = snapshot
        }
        let request = context.remoteAppBag
        let diff = DatabagDiff(old: old, new: request.withoutSnapshot)
        for key in ["entity-type", "extra-user-roles", "extra-group-roles"] where diff.changed.contains(key) {
            throw EngineError(code: Rule.provEvtEntityImmutable.id, message: "\(key) cannot change after the relation was set up; nothing was written")
        }
        output.appChanges["data"] = request.snapshotText()

        let violations = DatabagValidator().validate(request, as: .requirerApp)
        for violation in violations {
            output.logs.append(LogRecord(.warning, "request: \(violation)"))
        }
        let name: String?
        if diff.added.contains("database"), !diff.added.contains("entity-type") {
            name = "database_requested"
        } else if diff.added.contains("database"), diff.added.contains("entity-type") {
            name = "database_entity_requested"
        } else if !diff.added.contains("entity-type"), diff.touched("entity-permissions") {
            name = "database_entity_permissions_changed"
        } else {
            name = nil
        }
        if let name {
            var fields: [String: JSONValue] = [
                "database": request["database"].map(JSONValue.string) ?? .null,
                "extra_user_roles": request["extra-user-roles"].map(JSONValue.string) ?? .null,
                "external_node_connectivity": .bool(request["external-node-connectivity"] == "true"),
                "prefix_matching": request["prefix-matching"].map(JSONValue.string) ?? .null,
                "violations": .array(Array(Set(violations.map(\.rule.id))).sorted().map(JSONValue.string)),
            ]
            if name != "database_requested" {
                fields["entity_type"] = request["entity-type"].map(JSONValue.string) ?? .null
                fields["entity_permissions"] = request["entity-permissions"].map(JSONValue.string) ?? .null
                fields["extra_group_roles"] = request["extra-group-roles"].map(JSONValue.string) ?? .null
            }
            output.events.append(LibraryEvent(name: name, relationID: context.relationID, fields: fields))
        }
        return output
    }

    /// A session for the charm's answers within the hook that produced `output`.
    public func session(context: RelationContext, output: EngineOutput, secrets: any SecretReading) -> ProviderSession {
        ProviderSession(context: context, output: output, secrets: secrets)
    }
}
