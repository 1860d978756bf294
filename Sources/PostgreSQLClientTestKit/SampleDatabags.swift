import JujuJSON
import PostgreSQLClient

/// How sensitive fields travel: Juju 2.9 has no secrets, Juju 3.0.3 and later do.
public enum SecretsMode: String, Sendable, Hashable, CaseIterable {
    /// Juju 2.9: credentials in the databag.
    case plaintext
    /// Juju 3: credentials in Juju secrets, referenced by `secret-user` and `secret-tls`.
    case secrets

    /// The mode Juju `version` implies.
    public init(version: JujuVersion) {
        self = version.hasSecrets ? .secrets : .plaintext
    }
}

/// Databags shaped exactly as the real peers write them — a requirer on `data_interfaces` v0
/// and postgresql-k8s as provider — for tests of charms and tools.
public enum SampleDatabags {
    /// The requirer leader's application bag after relation-created.
    public static func requirerApp(
        database: String = "names_db", mode: SecretsMode, extraUserRoles: String? = nil,
        externalNodeConnectivity: Bool = false
    ) -> Databag {
        var bag = Databag()
        if mode == .secrets {
            bag["requested-secrets"] = JSONValue.array(SecretGroup.defaultRequestedSecrets.map { .string($0) }).serialized(style: .python)
            bag["provided-secrets"] = #"["mtls-cert"]"#
        }
        bag["database"] = database
        bag["extra-user-roles"] = extraUserRoles
        if externalNodeConnectivity { bag["external-node-connectivity"] = "true" }
        return bag
    }

    /// What postgresql-k8s's leader writes when it answers a request on relation `relationID`.
    ///
    /// In ``SecretsMode/secrets`` mode the credentials and TLS fields are not in the bag; pass the
    /// URIs of the secrets holding them.
    public static func providerApp(
        relationID: Int, request: Databag, password: String, mode: SecretsMode,
        primary: String = "postgresql-k8s-primary.dev.svc.cluster.local",
        replicas: String? = "postgresql-k8s-replicas.dev.svc.cluster.local", port: UInt16 = 5432,
        tlsCA: String? = nil, version: String = "14.15", secretUser: SecretURI? = nil, secretTLS: SecretURI? = nil
    ) -> Databag {
        let database = request["database"] ?? "postgres"
        let user = "relation_id_\(relationID)"
        var bag = Databag()
        bag["data"] = request.snapshotText()
        bag["database"] = database
        bag["endpoints"] = "\(primary):\(port)"
        bag["read-only-endpoints"] = "\(replicas ?? primary):\(port)"
        bag["version"] = version
        switch mode {
        case .plaintext:
            bag["username"] = user
            bag["password"] = password
            bag["uris"] = PostgresURI(user: user, password: password, hosts: [.init(host: primary, port: port)], database: database).string
            bag["tls"] = tlsCA == nil ? "False" : "True"
            bag["tls-ca"] = tlsCA
        case .secrets:
            bag["secret-user"] = secretUser?.description
            bag["secret-tls"] = secretTLS?.description
        }
        return bag
    }

    /// The requirer unit's bag after it has seen `providerApp`.
    public static func requirerUnit(afterSeeing providerApp: Databag?, mode: SecretsMode, leader: Bool = true) -> Databag {
        var bag = Databag()
        if mode == .secrets, leader {
            bag["requested-secrets"] = JSONValue.array(SecretGroup.defaultRequestedSecrets.map { .string($0) }).serialized(style: .python)
            bag["provided-secrets"] = #"["mtls-cert"]"#
        }
        bag["data"] = providerApp?.snapshotText()
        return bag
    }
}
