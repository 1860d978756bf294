/// What a requirer needs to connect, read from the provider's answer (bag and secrets).
/// ``description`` masks the password.
public struct DatabaseCredentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The primary (read-write) endpoint.
    public var primary: Endpoint
    public var endpoints: EndpointList
    public var readOnlyEndpoints: EndpointList?
    public var username: String
    public var password: String
    public var database: String
    public var uris: PostgresURI?
    public var readOnlyURIs: PostgresURI?
    public var tls: Bool
    public var tlsCA: String?
    public var version: String?

    public init(
        primary: Endpoint, endpoints: EndpointList, readOnlyEndpoints: EndpointList?, username: String, password: String,
        database: String, uris: PostgresURI?, readOnlyURIs: PostgresURI?, tls: Bool, tlsCA: String?, version: String?
    ) {
        self.primary = primary
        self.endpoints = endpoints
        self.readOnlyEndpoints = readOnlyEndpoints
        self.username = username
        self.password = password
        self.database = database
        self.uris = uris
        self.readOnlyURIs = readOnlyURIs
        self.tls = tls
        self.tlsCA = tlsCA
        self.version = version
    }

    public var host: String { primary.host }
    public var port: UInt16 { primary.port }

    public var description: String {
        "DatabaseCredentials(\(username):<masked>@\(endpoints)/\(database), tls: \(tls)\(version.map { ", version: \($0)" } ?? ""))"
    }

    public var customMirror: Mirror { Mirror(self, children: ["masked": description], displayStyle: .struct) }
}

extension DatabaseRequirer {
    /// `fetch_relation_data` for one relation: the provider's bag with the secret fields it asked
    /// for read from their secrets (as `data_interfaces` does), limited to `fields` when given.
    public func fetchRelationData(_ context: RelationContext, fields: [String]? = nil, secrets: any SecretReading) throws(EngineError) -> [String: String] {
        var result = context.remoteAppBag.values.filter { !$0.key.hasPrefix("secret-") }
        if context.secretsEnabled {
            for group in SecretGroup.allCases {
                guard let uri = context.remoteAppBag[group.fieldName] else { continue }
                let content = try secrets.secretContent(uri: uri, label: context.secretLabel(group), refresh: true)
                for (key, value) in content where requestedSecrets.contains(key) || group != .extra { result[key] = value }
            }
        }
        if let fields { result = result.filter { fields.contains($0.key) } }
        return result
    }

    /// `fetch_relation_field`.
    public func fetchRelationField(_ context: RelationContext, field: String, secrets: any SecretReading) throws(EngineError) -> String? {
        try fetchRelationData(context, fields: [field], secrets: secrets)[field]
    }

    /// The credentials as a typed value, or `nil` until the provider has shared username,
    /// password, endpoints and database.
    public func credentials(_ context: RelationContext, secrets: any SecretReading) throws(EngineError) -> DatabaseCredentials? {
        let data = try fetchRelationData(context, secrets: secrets)
        guard let username = data["username"], let password = data["password"], let endpointsText = data["endpoints"],
            let endpoints = try? EndpointList(parsing: endpointsText), let primary = endpoints.first
        else { return nil }
        return DatabaseCredentials(
            primary: primary, endpoints: endpoints,
            readOnlyEndpoints: data["read-only-endpoints"].flatMap { try? EndpointList(parsing: $0) },
            username: username, password: password, database: data["database"] ?? configuration.databaseName,
            uris: data["uris"].flatMap { try? PostgresURI(parsing: $0) },
            readOnlyURIs: data["read-only-uris"].flatMap { try? PostgresURI(parsing: $0) },
            tls: data["tls"].flatMap(BoolSpelling.parse) ?? false, tlsCA: data["tls-ca"], version: data["version"])
    }
}

extension DatabaseCredentials {
    /// The credentials a `database_created` or `endpoints_changed` event carries, or `nil` when
    /// it lacks username, password or a valid endpoint. Reads nothing more from Juju.
    public init?(event: LibraryEvent, defaultDatabase: String) {
        guard let username = event.string("username"), let password = event.string("password"),
            let endpointsText = event.string("endpoints"), let endpoints = try? EndpointList(parsing: endpointsText),
            let primary = endpoints.first
        else { return nil }
        self.init(
            primary: primary, endpoints: endpoints,
            readOnlyEndpoints: event.string("read_only_endpoints").flatMap { try? EndpointList(parsing: $0) },
            username: username, password: password, database: event.string("database") ?? defaultDatabase,
            uris: event.string("uris").flatMap { try? PostgresURI(parsing: $0) },
            readOnlyURIs: event.string("read_only_uris").flatMap { try? PostgresURI(parsing: $0) },
            tls: event.string("tls").flatMap(BoolSpelling.parse) ?? false, tlsCA: event.string("tls_ca"),
            version: event.string("version"))
    }
}
