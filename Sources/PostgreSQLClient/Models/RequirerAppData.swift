/// The requirer application's bag: the request, written by the requirer's leader on
/// relation-created (see `Specs/postgresql_client-v0.md`).
public struct RequirerAppData: DatabagModel, Hashable {
    /// The database requested, or a prefix ending in `*` (see ``DatabaseRequest``).
    public var database: String
    /// Fields the provider is asked to send through Juju secrets (Juju 3 only).
    public var requestedSecrets: [String]?
    /// Fields this requirer sends through secrets (`mtls-cert`).
    public var providedSecrets: [String]?
    /// Comma-separated extra roles for the relation user.
    public var extraUserRoles: String?
    /// Comma-separated extra roles for a requested group entity.
    public var extraGroupRoles: String?
    /// Whether a subordinate provider should accept connections from outside its host.
    public var externalNodeConnectivity: Bool?
    /// Asks for a custom entity instead of the relation user.
    public var entityType: EntityType?
    /// Permissions for the custom entity.
    public var entityPermissions: [EntityPermission]?
    /// A secret holding the entity name (and optionally password) the requirer wants.
    public var requestedEntitySecret: SecretURI?
    /// The prefix-matching strategy, passed through to the provider as written.
    public var prefixMatching: String?
    /// The relation alias, when the charm uses `relations_aliases`.
    public var alias: String?
    /// The secret carrying the requirer's mTLS certificate.
    public var secretMTLS: SecretURI?

    public init(
        database: String, requestedSecrets: [String]? = nil, providedSecrets: [String]? = nil,
        extraUserRoles: String? = nil, extraGroupRoles: String? = nil, externalNodeConnectivity: Bool? = nil,
        entityType: EntityType? = nil, entityPermissions: [EntityPermission]? = nil,
        requestedEntitySecret: SecretURI? = nil, prefixMatching: String? = nil, alias: String? = nil,
        secretMTLS: SecretURI? = nil
    ) {
        self.database = database
        self.requestedSecrets = requestedSecrets
        self.providedSecrets = providedSecrets
        self.extraUserRoles = extraUserRoles
        self.extraGroupRoles = extraGroupRoles
        self.externalNodeConnectivity = externalNodeConnectivity
        self.entityType = entityType
        self.entityPermissions = entityPermissions
        self.requestedEntitySecret = requestedEntitySecret
        self.prefixMatching = prefixMatching
        self.alias = alias
        self.secretMTLS = secretMTLS
    }

    enum CodingKeys: String, CodingKey {
        case database
        case requestedSecrets = "requested-secrets"
        case providedSecrets = "provided-secrets"
        case extraUserRoles = "extra-user-roles"
        case extraGroupRoles = "extra-group-roles"
        case externalNodeConnectivity = "external-node-connectivity"
        case entityType = "entity-type"
        case entityPermissions = "entity-permissions"
        case requestedEntitySecret = "requested-entity-secret"
        case prefixMatching = "prefix-matching"
        case alias
        case secretMTLS = "secret-mtls"
    }

    public static var boolSpellings: [String: BoolSpelling] { ["external-node-connectivity": .lowercase] }
    /// `data_interfaces` writes `external-node-connectivity` only when it is `true`.
    public static var trueOnlyKeys: Set<String> { ["external-node-connectivity"] }

    /// The parsed `database` value.
    public func databaseRequest() throws(FormatError) -> DatabaseRequest {
        try DatabaseRequest(parsing: database)
    }

    /// `extra-user-roles` split on commas.
    public var extraUserRoleList: [String] {
        extraUserRoles.map { $0.split(separator: ",").map(String.init) } ?? []
    }
}
