/// The provider application's bag: what the database charm's leader answers.
///
/// Under Juju 3 with secrets, `username`, `password`, `uris`, `read-only-uris` travel in the
/// secret named by ``secretUser``, `tls`/`tls-ca` in ``secretTLS``; under Juju 2.9 they are here.
/// ``description`` masks every password.
public struct ProviderAppData: DatabagModel, Hashable {
    public var database: String?
    public var username: String?
    public var password: String?
    public var endpoints: EndpointList?
    public var readOnlyEndpoints: EndpointList?
    public var uris: PostgresURI?
    public var readOnlyURIs: PostgresURI?
    public var version: String?
    /// Written `"True"`/`"False"` as postgresql-k8s does.
    public var tls: Bool?
    public var tlsCA: String?
    public var secretUser: SecretURI?
    public var secretTLS: SecretURI?
    public var secretExtra: SecretURI?
    public var secretEntity: SecretURI?
    public var secretMTLS: SecretURI?
    public var entityName: String?
    public var entityPassword: String?
    public var prefixDatabases: CommaSeparatedList?
    /// Written `"true"`: the requirer waits for the remote unit's `state == "ready"`.
    public var subordinated: Bool?
    public var status: [RelationStatus]?
    /// The requirer application bag last seen, without its own `data` key.
    public var data: [String: String]?
    /// Cross-model relations: the secret holding the encryption key.
    public var encryptionSecret: SecretURI?

    public init(
        database: String? = nil, username: String? = nil, password: String? = nil, endpoints: EndpointList? = nil,
        readOnlyEndpoints: EndpointList? = nil, uris: PostgresURI? = nil, readOnlyURIs: PostgresURI? = nil,
        version: String? = nil, tls: Bool? = nil, tlsCA: String? = nil, secretUser: SecretURI? = nil,
        secretTLS: SecretURI? = nil, secretExtra: SecretURI? = nil, secretEntity: SecretURI? = nil,
        secretMTLS: SecretURI? = nil, entityName: String? = nil, entityPassword: String? = nil,
        prefixDatabases: CommaSeparatedList? = nil, subordinated: Bool? = nil, status: [RelationStatus]? = nil,
        data: [String: String]? = nil, encryptionSecret: SecretURI? = nil
    ) {
        self.database = database
        self.username = username
        self.password = password
        self.endpoints = endpoints
        self.readOnlyEndpoints = readOnlyEndpoints
        self.uris = uris
        self.readOnlyURIs = readOnlyURIs
        self.version = version
        self.tls = tls
        self.tlsCA = tlsCA
        self.secretUser = secretUser
        self.secretTLS = secretTLS
        self.secretExtra = secretExtra
        self.secretEntity = secretEntity
        self.secretMTLS = secretMTLS
        self.entityName = entityName
        self.entityPassword = entityPassword
        self.prefixDatabases = prefixDatabases
        self.subordinated = subordinated
        self.status = status
        self.data = data
        self.encryptionSecret = encryptionSecret
    }

    enum CodingKeys: String, CodingKey {
        case database, username, password, endpoints
        case readOnlyEndpoints = "read-only-endpoints"
        case uris
        case readOnlyURIs = "read-only-uris"
        case version, tls
        case tlsCA = "tls-ca"
        case secretUser = "secret-user"
        case secretTLS = "secret-tls"
        case secretExtra = "secret-extra"
        case secretEntity = "secret-entity"
        case secretMTLS = "secret-mtls"
        case entityName = "entity-name"
        case entityPassword = "entity-password"
        case prefixDatabases = "prefix-databases"
        case subordinated, status, data
        case encryptionSecret = "encryption-secret"
    }

    public static var boolSpellings: [String: BoolSpelling] { ["tls": .python, "subordinated": .lowercase] }
    /// `subordinated` is only ever written as `"true"`.
    public static var trueOnlyKeys: Set<String> { ["subordinated"] }

    /// The secret reference for a group, if the bag has one.
    public func secretURI(for group: SecretGroup) -> SecretURI? {
        switch group {
        case .user: return secretUser
        case .tls: return secretTLS
        case .extra: return secretExtra
        case .entity: return secretEntity
        case .mtls: return secretMTLS
        }
    }
}

extension ProviderAppData: CustomStringConvertible, CustomDebugStringConvertible {
    /// Every field, with `password`, `entity-password` and the URIs' passwords masked.
    public var description: String {
        var parts: [String] = []
        func add(_ name: String, _ value: Any?) { if let value { parts.append("\(name): \(value)") } }
        add("database", database)
        add("username", username)
        add("password", password.map { _ in "<masked>" })
        add("endpoints", endpoints)
        add("readOnlyEndpoints", readOnlyEndpoints)
        add("uris", uris?.description)
        add("readOnlyURIs", readOnlyURIs?.description)
        add("version", version)
        add("tls", tls)
        add("tlsCA", tlsCA.map { "<\($0.utf8.count) bytes>" })
        add("secretUser", secretUser)
        add("secretTLS", secretTLS)
        add("secretExtra", secretExtra)
        add("secretEntity", secretEntity)
        add("secretMTLS", secretMTLS)
        add("entityName", entityName)
        add("entityPassword", entityPassword.map { _ in "<masked>" })
        add("prefixDatabases", prefixDatabases)
        add("subordinated", subordinated)
        add("status", status.map { $0.map(\.code) })
        add("data", data.map { "<masked, \($0.count) keys>" })
        add("encryptionSecret", encryptionSecret)
        return "ProviderAppData(" + parts.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }
}

extension ProviderAppData: CustomReflectable {
    /// `dump` and debuggers see the masked description, never a password.
    public var customMirror: Mirror { Mirror(self, children: ["masked": description], displayStyle: .struct) }
}
