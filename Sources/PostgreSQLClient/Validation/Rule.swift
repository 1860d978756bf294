/// A rule of the `postgresql_client` v0 protocol, as numbered in `Specs/postgresql_client-v0.md`.
///
/// Rule ids are stable: tools, fixtures and vectors refer to them. A new rule gets a new id; an
/// id is never reused for a different meaning.
public struct Rule: Sendable, Hashable, CustomStringConvertible {
    /// The stable id, for example `PROV-ENDPOINTS-FORMAT`.
    public let id: String
    /// Which databag the rule is about.
    public let bag: BagKind
    /// The field (key) the rule is about, or `*` for every key.
    public let field: String
    /// One sentence: what must hold.
    public let summary: String

    public init(id: String, bag: BagKind, field: String, summary: String) {
        self.id = id
        self.bag = bag
        self.field = field
        self.summary = summary
    }

    public var description: String { id }

    /// Whether a remote bag breaking this rule stops a requirer's hook (see
    /// `Specs/postgresql_client-v0.md`, REQ-EVT-REMOTE-INVALID); other rules only log a warning.
    public var blocksRequirer: Bool { Rule.requirerBlocking.contains(id) }

    static let requirerBlocking: Set<String> = [
        "PROV-CREDENTIALS-PAIR", "PROV-CREDENTIALS-EXCLUSIVE", "PROV-USERNAME-FORMAT", "PROV-DATABASE-REQUIRED",
        "PROV-DATABASE-NAME", "PROV-ENDPOINTS-REQUIRED", "PROV-ENDPOINTS-FORMAT", "PROV-READ-ONLY-ENDPOINTS-FORMAT",
        "PROV-URIS-FORMAT", "PROV-READ-ONLY-URIS-FORMAT", "PROV-TLS-FLAG", "PROV-TLS-CA-FORMAT", "PROV-SECRET-URI",
        "PROV-PREFIX-DATABASES-FORMAT", "PROV-STATUS-FORMAT", "PROV-DATA-SNAPSHOT",
    ]
}

/// The four databags of one `postgresql_client` relation, plus "any bag" for generic rules.
public enum BagKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The requirer application's bag (written by the requirer leader).
    case requirerApp = "requirer-app"
    /// A requirer unit's bag.
    case requirerUnit = "requirer-unit"
    /// The provider application's bag (written by the provider leader).
    case providerApp = "provider-app"
    /// A provider unit's bag.
    case providerUnit = "provider-unit"
    /// Any of the above.
    case any = "any"
}

extension Rule {
    // MARK: Every bag

    public static let bagValueString = Rule(
        id: "BAG-VALUE-STRING", bag: .any, field: "*",
        summary: "Every databag value is a string; lists and objects travel as JSON text inside the string.")
    public static let bagKeyFormat = Rule(
        id: "BAG-KEY-FORMAT", bag: .any, field: "*",
        summary: "Keys are lower-case ASCII letters, digits, '-', '_' and '.', starting and ending with a letter or digit.")
    public static let bagValueEmpty = Rule(
        id: "BAG-VALUE-EMPTY", bag: .any, field: "*",
        summary: "No value is the empty string: Juju deletes a key set to \"\", so a bag never holds one.")

    // MARK: Requirer application bag

    public static let reqDatabaseRequired = Rule(
        id: "REQ-DATABASE-REQUIRED", bag: .requirerApp, field: "database",
        summary: "The requirer leader writes `database` on relation-created; the request is incomplete without it.")
    public static let reqDatabaseName = Rule(
        id: "REQ-DATABASE-NAME", bag: .requirerApp, field: "database",
        summary: "A database name is 1 to 63 bytes of UTF-8 without control characters, and has no '*' unless it is a prefix request.")
    public static let reqDatabasePrefix = Rule(
        id: "REQ-DATABASE-PREFIX", bag: .requirerApp, field: "database",
        summary: "A prefix request ends in a single '*' with at least 3 characters before it.")
    public static let reqRequestedSecretsFormat = Rule(
        id: "REQ-REQUESTED-SECRETS-FORMAT", bag: .requirerApp, field: "requested-secrets",
        summary: "`requested-secrets` is a JSON array of strings, as JSON text in the string value.")
    public static let reqRequestedSecretsKeys = Rule(
        id: "REQ-REQUESTED-SECRETS-KEYS", bag: .requirerApp, field: "requested-secrets",
        summary: "Each requested secret field is a valid Juju secret key (^[a-z](-?[a-z0-9]){2,}$), listed once.")
    public static let reqRequestedSecretsCredentials = Rule(
        id: "REQ-REQUESTED-SECRETS-CREDENTIALS", bag: .requirerApp, field: "requested-secrets",
        summary: "`requested-secrets` names at least `username` and `password`.")
    public static let reqProvidedSecretsFormat = Rule(
        id: "REQ-PROVIDED-SECRETS-FORMAT", bag: .requirerApp, field: "provided-secrets",
        summary: "`provided-secrets` is a JSON array of valid Juju secret keys.")
    public static let reqExternalNodeConnectivity = Rule(
        id: "REQ-EXTERNAL-NODE-CONNECTIVITY", bag: .requirerApp, field: "external-node-connectivity",
        summary: "`external-node-connectivity` is exactly \"true\" or \"false\" (providers compare with \"true\").")
    public static let reqExtraRolesFormat = Rule(
        id: "REQ-EXTRA-ROLES-FORMAT", bag: .requirerApp, field: "extra-user-roles",
        summary: "`extra-user-roles` and `extra-group-roles` are comma-separated role names ([A-Za-z_][A-Za-z0-9_-]*, at most 63 bytes), no empty item.")
    public static let reqEntityType = Rule(
        id: "REQ-ENTITY-TYPE", bag: .requirerApp, field: "entity-type",
        summary: "`entity-type` is USER or GROUP.")
    public static let reqEntityRolesConsistent = Rule(
        id: "REQ-ENTITY-ROLES-CONSISTENT", bag: .requirerApp, field: "entity-type",
        summary: "A USER entity takes no `extra-group-roles`; a GROUP entity takes no `extra-user-roles`.")
    public static let reqEntityPermissionsFormat = Rule(
        id: "REQ-ENTITY-PERMISSIONS-FORMAT", bag: .requirerApp, field: "entity-permissions",
        summary: "`entity-permissions` is a JSON array of objects with exactly `resource_name`, `resource_type` (strings) and `privileges` (array of strings).")
    public static let reqEntitySecretURI = Rule(
        id: "REQ-ENTITY-SECRET-URI", bag: .requirerApp, field: "requested-entity-secret",
        summary: "`requested-entity-secret` is a Juju secret URI.")
    public static let reqProviderField = Rule(
        id: "REQ-PROVIDER-FIELD", bag: .requirerApp, field: "*",
        summary: "The requirer's application bag holds no field that only the provider writes (credentials, endpoints, uris, tls, secret-*, ...).")

    // MARK: Requirer unit bag

    public static let requDataSnapshot = Rule(
        id: "REQU-DATA-SNAPSHOT", bag: .requirerUnit, field: "data",
        summary: "The requirer unit's `data` is a JSON object of strings: the provider app bag last seen, without its own `data` key.")

    // MARK: Provider application bag

    public static let provCredentialsPair = Rule(
        id: "PROV-CREDENTIALS-PAIR", bag: .providerApp, field: "username",
        summary: "`username` and `password` are written together: both or neither.")
    public static let provCredentialsExclusive = Rule(
        id: "PROV-CREDENTIALS-EXCLUSIVE", bag: .providerApp, field: "secret-user",
        summary: "When `secret-user` is set, `username` and `password` are not also in the bag in plain text.")
    public static let provUsernameFormat = Rule(
        id: "PROV-USERNAME-FORMAT", bag: .providerApp, field: "username",
        summary: "`username` is a PostgreSQL role name: 1 to 63 bytes without control characters.")
    public static let provDatabaseRequired = Rule(
        id: "PROV-DATABASE-REQUIRED", bag: .providerApp, field: "database",
        summary: "Once credentials are shared (`username` or `secret-user`), `database` is set.")
    public static let provDatabaseName = Rule(
        id: "PROV-DATABASE-NAME", bag: .providerApp, field: "database",
        summary: "`database` is a valid database name, or the prefix that was requested.")
    public static let provEndpointsRequired = Rule(
        id: "PROV-ENDPOINTS-REQUIRED", bag: .providerApp, field: "endpoints",
        summary: "Once credentials are shared (`username` or `secret-user`), `endpoints` is set.")
    public static let provEndpointsFormat = Rule(
        id: "PROV-ENDPOINTS-FORMAT", bag: .providerApp, field: "endpoints",
        summary: "`endpoints` is a comma-separated list of host:port; IPv6 hosts in brackets; port 1-65535.")
    public static let provReadOnlyEndpointsFormat = Rule(
        id: "PROV-READ-ONLY-ENDPOINTS-FORMAT", bag: .providerApp, field: "read-only-endpoints",
        summary: "`read-only-endpoints` has the same format as `endpoints`.")
    public static let provURIsFormat = Rule(
        id: "PROV-URIS-FORMAT", bag: .providerApp, field: "uris",
        summary: "`uris` is a libpq connection URI: postgresql:// or postgres://, valid percent-encoding, hosts with ports 1-65535.")
    public static let provReadOnlyURIsFormat = Rule(
        id: "PROV-READ-ONLY-URIS-FORMAT", bag: .providerApp, field: "read-only-uris",
        summary: "`read-only-uris` has the same format as `uris`.")
    public static let provTLSFlag = Rule(
        id: "PROV-TLS-FLAG", bag: .providerApp, field: "tls",
        summary: "`tls` is true or false in any letter case (postgresql-k8s writes \"True\"/\"False\").")
    public static let provTLSCAFormat = Rule(
        id: "PROV-TLS-CA-FORMAT", bag: .providerApp, field: "tls-ca",
        summary: "`tls-ca` is a PEM chain: one or more BEGIN/END CERTIFICATE blocks.")
    public static let provTLSCAWithoutTLS = Rule(
        id: "PROV-TLS-CA-WITHOUT-TLS", bag: .providerApp, field: "tls-ca",
        summary: "`tls-ca` is only sent while `tls` is true.")
    public static let provVersionFormat = Rule(
        id: "PROV-VERSION-FORMAT", bag: .providerApp, field: "version",
        summary: "`version` starts with a digit (for example 14.9 or 16.8.1).")
    public static let provSecretURI = Rule(
        id: "PROV-SECRET-URI", bag: .providerApp, field: "secret-*",
        summary: "A `secret-<group>` value is a Juju secret URI: secret:<20-character id> or secret://<model-uuid>/<id>.")
    public static let provSecretGroup = Rule(
        id: "PROV-SECRET-GROUP", bag: .providerApp, field: "secret-*",
        summary: "The group in `secret-<group>` is one of user, tls, mtls, entity, extra.")
    public static let provPrefixDatabasesFormat = Rule(
        id: "PROV-PREFIX-DATABASES-FORMAT", bag: .providerApp, field: "prefix-databases",
        summary: "`prefix-databases` is a comma-separated list of valid database names, no empty item.")
    public static let provSubordinatedFlag = Rule(
        id: "PROV-SUBORDINATED-FLAG", bag: .providerApp, field: "subordinated",
        summary: "`subordinated` is exactly \"true\" when present (requirers compare with \"true\").")
    public static let provStatusFormat = Rule(
        id: "PROV-STATUS-FORMAT", bag: .providerApp, field: "status",
        summary: "`status` is a JSON array of {code: integer, message: string, resolution: string}, each code once.")
    public static let provDataSnapshot = Rule(
        id: "PROV-DATA-SNAPSHOT", bag: .providerApp, field: "data",
        summary: "The provider's `data` is a JSON object of strings: the requirer app bag last seen, without its own `data` key.")
    public static let provEntityCredentials = Rule(
        id: "PROV-ENTITY-CREDENTIALS", bag: .providerApp, field: "entity-password",
        summary: "`entity-password` is only sent together with `entity-name`.")
    public static let provRequirerField = Rule(
        id: "PROV-REQUIRER-FIELD", bag: .providerApp, field: "*",
        summary: "The provider's application bag holds no field that only the requirer writes (requested-secrets, extra-user-roles, entity-type, ...).")

    /// The databag validation rules (what `pgclient check` and ``DatabagValidator`` report).
    public static let validationRules: [Rule] = [
        .bagValueString, .bagKeyFormat, .bagValueEmpty,
        .reqDatabaseRequired, .reqDatabaseName, .reqDatabasePrefix,
        .reqRequestedSecretsFormat, .reqRequestedSecretsKeys, .reqRequestedSecretsCredentials,
        .reqProvidedSecretsFormat, .reqExternalNodeConnectivity, .reqExtraRolesFormat,
        .reqEntityType, .reqEntityRolesConsistent, .reqEntityPermissionsFormat,
        .reqEntitySecretURI, .reqProviderField,
        .requDataSnapshot,
        .provCredentialsPair, .provCredentialsExclusive, .provUsernameFormat,
        .provDatabaseRequired, .provDatabaseName, .provEndpointsRequired,
        .provEndpointsFormat, .provReadOnlyEndpointsFormat, .provURIsFormat,
        .provReadOnlyURIsFormat, .provTLSFlag, .provTLSCAFormat, .provTLSCAWithoutTLS,
        .provVersionFormat, .provSecretURI, .provSecretGroup, .provPrefixDatabasesFormat,
        .provSubordinatedFlag, .provStatusFormat, .provDataSnapshot, .provEntityCredentials,
        .provRequirerField,
    ]

    /// Every rule, in the order of `Specs/postgresql_client-v0.md`: databag rules, then the
    /// behaviour of the requirer and provider engines, then the Juju rules the in-memory model
    /// enforces.
    public static let all: [Rule] = validationRules + requirerBehaviour + providerBehaviour + jujuRules

    /// Looks a rule up by id.
    public static func named(_ id: String) -> Rule? {
        all.first { $0.id == id }
    }
}
