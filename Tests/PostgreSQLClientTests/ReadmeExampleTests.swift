import PostgreSQLClient
import Testing

// The README's requirer example, verbatim. Keep the two in sync.

/// relation-created (leader): the request, as data_interfaces writes it under Juju 3 (for relation-set --app).
func databaseRequest() throws -> Databag {
    try RequirerAppData(database: "names_db", requestedSecrets: SecretGroup.defaultRequestedSecrets,
                        providedSecrets: ["mtls-cert"]).databag()
}

/// relation-changed: the provider's answer (relation-get --format=json --app) as the workload's environment.
func workloadEnvironment(providerBag json: String) throws -> [String: String]? {
    let bag = try Databag(json: json)
    try DatabagValidator().require(bag, as: .providerApp)      // throws every violation, with its rule id
    let answer = try ProviderAppData(databag: bag)
    guard let primary = answer.endpoints?.first, let user = answer.username, let password = answer.password else { return nil }
    return ["DEMO_SERVER_DB_HOST": primary.host, "DEMO_SERVER_DB_PORT": "\(primary.port)",
            "DEMO_SERVER_DB_USER": user, "DEMO_SERVER_DB_PASSWORD": password]
}

@Suite("README example")
struct ReadmeExampleTests {
    @Test("the request is what data_interfaces v0 writes under Juju 3")
    func request() throws {
        let bag = try databaseRequest()
        #expect(bag.values == [
            "database": "names_db",
            "requested-secrets": #"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#,
            "provided-secrets": #"["mtls-cert"]"#,
        ])
    }

    @Test("a postgresql-k8s answer becomes the workload's environment")
    func environment() throws {
        let json = #"{"database": "names_db", "endpoints": "postgresql-k8s-primary.dev.svc.cluster.local:5432", "password": "Zq8Pw0rdReadme", "tls": "False", "username": "relation_id_7"}"#
        #expect(try workloadEnvironment(providerBag: json) == [
            "DEMO_SERVER_DB_HOST": "postgresql-k8s-primary.dev.svc.cluster.local", "DEMO_SERVER_DB_PORT": "5432",
            "DEMO_SERVER_DB_USER": "relation_id_7", "DEMO_SERVER_DB_PASSWORD": "Zq8Pw0rdReadme",
        ])
    }

    @Test("a bad answer throws every violation with its rule id")
    func badAnswer() throws {
        let json = #"{"database": "names_db", "endpoints": "db:0", "password": "Zq8Pw0rdReadme", "tls": "maybe", "username": "relation_id_7"}"#
        do {
            _ = try workloadEnvironment(providerBag: json)
            Issue.record("accepted a bad bag")
        } catch let error as ValidationError {
            #expect(error.violations.map(\.rule.id) == ["PROV-ENDPOINTS-FORMAT", "PROV-TLS-FLAG"])
            #expect(!error.description.contains("Zq8Pw0rdReadme"))
        }
    }

    @Test("an answer under Juju 3 has no plain credentials: nil until the secret is read")
    func secretsMode() throws {
        let json = #"{"database": "names_db", "endpoints": "10.1.0.5:5432", "secret-user": "secret:d2fjn1fmp25004or68b0"}"#
        #expect(try workloadEnvironment(providerBag: json) == nil)
    }
}
