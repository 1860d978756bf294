extension Rule {
    // MARK: Requirer engine

    public static let reqEvtRequest = Rule(
        id: "REQ-EVT-REQUEST", bag: .requirerApp, field: "database",
        summary: "On relation-created the leader writes the request: database and the configured options; with Juju secrets also requested-secrets and provided-secrets, in the app bag and its own unit bag.")
    public static let reqEvtNonLeader = Rule(
        id: "REQ-EVT-NONLEADER", bag: .requirerApp, field: "*",
        summary: "A requirer unit that is not the leader never reads or writes the application bag.")
    public static let reqEvtAlias = Rule(
        id: "REQ-EVT-ALIAS", bag: .requirerUnit, field: "alias",
        summary: "With relation aliases, each relation gets the first free alias in the unit bag (and the app bag on the leader), and aliased events follow the plain ones.")
    public static let reqEvtStatus = Rule(
        id: "REQ-EVT-STATUS", bag: .providerApp, field: "status",
        summary: "status_raised and status_resolved follow the codes added to and removed from the provider's status list since the last snapshot; they fire before the subordinate gate.")
    public static let reqEvtSubordinateGate = Rule(
        id: "REQ-EVT-SUBORDINATE-GATE", bag: .providerUnit, field: "state",
        summary: "When the provider is subordinated, nothing but status events happens until the remote unit's state is ready.")
    public static let reqEvtSnapshot = Rule(
        id: "REQ-EVT-SNAPSHOT", bag: .requirerUnit, field: "data",
        summary: "On relation-changed every requirer unit stores the provider app bag, minus its data key, as Python-style JSON under data in its unit bag, and diffs against the previous one.")
    public static let reqEvtDatabaseCreated = Rule(
        id: "REQ-EVT-DATABASE-CREATED", bag: .providerApp, field: "username",
        summary: "database_created fires when secret-user, or username and password together, are added and the request had no entity-type.")
    public static let reqEvtEntityCreated = Rule(
        id: "REQ-EVT-ENTITY-CREATED", bag: .providerApp, field: "entity-name",
        summary: "database_entity_created fires when secret-entity or entity-name is added and the request had an entity-type.")
    public static let reqEvtEndpointsChanged = Rule(
        id: "REQ-EVT-ENDPOINTS-CHANGED", bag: .providerApp, field: "endpoints",
        summary: "endpoints_changed fires when endpoints is added or changed and no database event came first.")
    public static let reqEvtReadOnlyEndpointsChanged = Rule(
        id: "REQ-EVT-READ-ONLY-ENDPOINTS-CHANGED", bag: .providerApp, field: "read-only-endpoints",
        summary: "read_only_endpoints_changed fires when read-only-endpoints is added or changed and no earlier event fired.")
    public static let reqEvtPrefixDatabasesChanged = Rule(
        id: "REQ-EVT-PREFIX-DATABASES-CHANGED", bag: .providerApp, field: "prefix-databases",
        summary: "prefix_databases_changed fires when prefix-databases is added or changed and no earlier event fired.")
    public static let reqEvtOnePerHook = Rule(
        id: "REQ-EVT-ONE-PER-HOOK", bag: .any, field: "*",
        summary: "At most one database event (plus its aliased twin) per hook, in the order database_created, database_entity_created, endpoints, read-only endpoints, prefix databases.")
    public static let reqEvtNoDeleteEvents = Rule(
        id: "REQ-EVT-NO-DELETE-EVENTS", bag: .providerApp, field: "*",
        summary: "Keys removed from the provider bag emit no event.")
    public static let reqEvtSecretFields = Rule(
        id: "REQ-EVT-SECRET-FIELDS", bag: .providerApp, field: "secret-*",
        summary: "Under Juju secrets, credentials, URIs and TLS fields of events come from the secrets named by secret-user and secret-tls, read with --refresh.")
    public static let reqEvtSecretContent = Rule(
        id: "REQ-EVT-SECRET-CONTENT", bag: .providerApp, field: "secret-*",
        summary: "The fields read from the user and tls secrets are checked with the bag's format rules (username, uris, read-only-uris, tls, tls-ca); a broken one fails the hook with that rule's id and nothing is written.")
    public static let reqEvtSecretChanged = Rule(
        id: "REQ-EVT-SECRET-CHANGED", bag: .any, field: "*",
        summary: "secret-changed emits no library event on the requirer (as data_interfaces v0).")
    public static let reqEvtBroken = Rule(
        id: "REQ-EVT-BROKEN", bag: .any, field: "*",
        summary: "relation-broken emits no event and writes nothing; a broken relation has no resource created.")
    public static let reqEvtRemoteInvalid = Rule(
        id: "REQ-EVT-REMOTE-INVALID", bag: .providerApp, field: "*",
        summary: "A provider bag breaking a blocking rule fails the requirer's hook with that rule's id and writes nothing; other rules only log a warning.")

    /// The requirer engine's behaviour, in Specs order.
    public static let requirerBehaviour: [Rule] = [
        .reqEvtRequest, .reqEvtNonLeader, .reqEvtAlias, .reqEvtStatus, .reqEvtSubordinateGate, .reqEvtSnapshot,
        .reqEvtDatabaseCreated, .reqEvtEntityCreated, .reqEvtEndpointsChanged, .reqEvtReadOnlyEndpointsChanged,
        .reqEvtPrefixDatabasesChanged, .reqEvtOnePerHook, .reqEvtNoDeleteEvents, .reqEvtSecretFields,
        .reqEvtSecretContent, .reqEvtSecretChanged, .reqEvtBroken, .reqEvtRemoteInvalid,
    ]

    // MARK: Provider engine

    public static let provEvtNonLeader = Rule(
        id: "PROV-EVT-NONLEADER", bag: .providerApp, field: "*",
        summary: "A provider unit that is not the leader emits no event and writes nothing.")
    public static let provEvtSnapshot = Rule(
        id: "PROV-EVT-SNAPSHOT", bag: .providerApp, field: "data",
        summary: "The provider leader stores the requirer app bag, minus data, as Python-style JSON under data in its own app bag, and diffs against the previous one.")
    public static let provEvtEntityImmutable = Rule(
        id: "PROV-EVT-ENTITY-IMMUTABLE", bag: .requirerApp, field: "entity-type",
        summary: "A change of entity-type, extra-user-roles or extra-group-roles after the request fails the provider's hook.")
    public static let provEvtDatabaseRequested = Rule(
        id: "PROV-EVT-DATABASE-REQUESTED", bag: .requirerApp, field: "database",
        summary: "database_requested fires when database is added without entity-type; the event lists the request's rule violations.")
    public static let provEvtEntityRequested = Rule(
        id: "PROV-EVT-ENTITY-REQUESTED", bag: .requirerApp, field: "entity-type",
        summary: "database_entity_requested fires when database and entity-type are added together.")
    public static let provEvtPermissionsChanged = Rule(
        id: "PROV-EVT-PERMISSIONS-CHANGED", bag: .requirerApp, field: "entity-permissions",
        summary: "database_entity_permissions_changed fires when entity-permissions is added or changed after the request.")
    public static let provSetLeaderOnly = Rule(
        id: "PROV-SET-LEADER-ONLY", bag: .providerApp, field: "*",
        summary: "The provider's setters write nothing on a unit that is not the leader.")
    public static let provSetPremature = Rule(
        id: "PROV-SET-PREMATURE", bag: .providerApp, field: "*",
        summary: "Before the requirer's database is known, only endpoints and read-only-endpoints may be written; other writes fail the hook.")
    public static let provSetSecrets = Rule(
        id: "PROV-SET-SECRETS", bag: .providerApp, field: "secret-*",
        summary: "Under Juju secrets, requested fields go into one secret per group, labelled <relation>.<id>.<group>.secret, granted to the relation, its URI under secret-<group>.")
    public static let provSetSecretUpdate = Rule(
        id: "PROV-SET-SECRET-UPDATE", bag: .providerApp, field: "secret-*",
        summary: "A later write to a field of an existing group secret adds a revision with the merged content; the URI stays.")
    public static let provSetDatabagFallback = Rule(
        id: "PROV-SET-DATABAG-FALLBACK", bag: .providerApp, field: "*",
        summary: "If a requested secret field is already in the app bag in plain text, writes stay in plain text.")
    public static let provSetStatus = Rule(
        id: "PROV-SET-STATUS", bag: .providerApp, field: "status",
        summary: "raise_status adds or replaces a status by code (list sorted by code), resolve_status removes one, clear_statuses deletes the field.")

    /// The provider engine's behaviour, in Specs order.
    public static let providerBehaviour: [Rule] = [
        .provEvtNonLeader, .provEvtSnapshot, .provEvtEntityImmutable, .provEvtDatabaseRequested, .provEvtEntityRequested,
        .provEvtPermissionsChanged, .provSetLeaderOnly, .provSetPremature, .provSetSecrets, .provSetSecretUpdate,
        .provSetDatabagFallback, .provSetStatus,
    ]

    // MARK: Juju

    public static let jujuAppBagLeader = Rule(
        id: "JUJU-APP-BAG-LEADER", bag: .any, field: "*",
        summary: "Only the leader may read or write its own application bag.")
    public static let jujuRemoteBagReadOnly = Rule(
        id: "JUJU-REMOTE-BAG-READ-ONLY", bag: .any, field: "*",
        summary: "A unit never writes the other side's bags.")
    public static let jujuValueString = Rule(
        id: "JUJU-VALUE-STRING", bag: .any, field: "*",
        summary: "Relation values are strings; setting \"\" deletes the key.")
    public static let jujuSecretAccess = Rule(
        id: "JUJU-SECRET-ACCESS", bag: .any, field: "secret-*",
        summary: "A secret is readable by its owner and by the applications it was granted to; anything else is an error.")
    public static let jujuSecretOwnerRefresh = Rule(
        id: "JUJU-SECRET-OWNER-REFRESH", bag: .any, field: "secret-*",
        summary: "Consumers see the revision they track until --refresh; --peek shows the latest; an owner cannot --refresh.")

    public static let jujuHookCommit = Rule(
        id: "JUJU-HOOK-COMMIT", bag: .any, field: "*",
        summary: "A hook's relation data and secrets take effect only when it succeeds; a failed hook is retried from the same state.")

    /// Juju's rules, enforced by the in-memory model.
    public static let jujuRules: [Rule] = [
        .jujuAppBagLeader, .jujuRemoteBagReadOnly, .jujuValueString, .jujuSecretAccess, .jujuSecretOwnerRefresh,
        .jujuHookCommit,
    ]
}
