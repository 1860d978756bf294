import DemoAPICharm
import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

@Suite("The tutorial's charm in Swift")
struct DemoAPICharmTests {
    static let credentials = DatabaseCredentials(
        primary: try! Endpoint(host: "postgresql-k8s-primary.dev.svc.cluster.local", port: 5432),
        endpoints: try! EndpointList(parsing: "postgresql-k8s-primary.dev.svc.cluster.local:5432"), readOnlyEndpoints: nil,
        username: "relation_id_4", password: "Wq2Pw0rdDemoCharm", database: "names_db", uris: nil, readOnlyURIs: nil,
        tls: false, tlsCA: nil, version: "14.15")

    @Test("requires database names_db on the database endpoint, as the tutorial's DatabaseRequires")
    func requirer() throws {
        let requirer = try DemoAPICharm.requirer()
        #expect(requirer.configuration.relationName == "database")
        #expect(requirer.configuration.databaseName == "names_db")
    }

    @Test("without credentials, or after relation-broken: Waiting for database relation, no layer")
    func waiting() {
        let charm = DemoAPICharm()
        #expect(charm.outcome(credentials: nil) == .init(status: .waiting, message: "Waiting for database relation", layer: nil))
        #expect(charm.outcome(credentials: Self.credentials, broken: true).status == .waiting)
    }

    @Test("with credentials: Active, and the Pebble layer carries DEMO_SERVER_DB_HOST, PORT, USER, PASSWORD")
    func layer() throws {
        let outcome = DemoAPICharm(serverPort: 8000).outcome(credentials: Self.credentials)
        #expect(outcome.status == .active && outcome.message.isEmpty)
        let layer = try #require(outcome.layer)
        let json = try JSONParser().parse(layer.json())
        let service = try #require(json["services"]?["fastapi-service"])
        #expect(service["command"] == "uvicorn api_demo_server.app:app --host=0.0.0.0 --port=8000")
        #expect(service["override"] == "replace")
        #expect(service["startup"] == "enabled")
        #expect(service["environment"] == [
            "DEMO_SERVER_DB_HOST": "postgresql-k8s-primary.dev.svc.cluster.local", "DEMO_SERVER_DB_PORT": "5432",
            "DEMO_SERVER_DB_USER": "relation_id_4", "DEMO_SERVER_DB_PASSWORD": "Wq2Pw0rdDemoCharm",
        ])
        #expect(json["summary"] == "FastAPI demo service")
        #expect(!layer.description.contains("Wq2Pw0rdDemoCharm"))
        #expect(!layer.json(masked: true).contains("Wq2Pw0rdDemoCharm"))
    }
}

@Suite("DemoAPICharm: the Pebble layer never prints the password")
struct DemoAPICharmMaskingTests {
    @Test("description, debugDescription, dump and interpolation of the layer, its service and the outcome are masked")
    func masked() throws {
        let password = "Wq5Zr8Nt2Lv6Hx9K"
        let credentials = DatabaseCredentials(
            primary: try Endpoint(host: "10.1.0.5", port: 5432), endpoints: try EndpointList(parsing: "10.1.0.5:5432"),
            readOnlyEndpoints: nil, username: "relation_id_7", password: password, database: "names_db", uris: nil,
            readOnlyURIs: nil, tls: false, tlsCA: nil, version: "14.15")
        let outcome = DemoAPICharm().outcome(credentials: credentials)
        let layer = try #require(outcome.layer)
        let service = try #require(layer.services[DemoAPICharm.serviceName])
        #expect(SecretHygiene.leaks(of: layer, secrets: [password]).isEmpty)
        #expect(SecretHygiene.leaks(of: service, secrets: [password]).isEmpty)
        #expect(SecretHygiene.leaks(of: outcome, secrets: [password]).isEmpty)
        // The layer handed to Pebble still carries it: masking is only for printing.
        #expect(layer.json().contains(password))
        // json() builds its value by hand (no Codable on the hook path): the same as Codable's.
        #expect(layer.jsonValue() == (try JSONValueEncoder().encode(layer)))
        #expect(String(describing: service).contains("DEMO_SERVER_DB_USER=relation_id_7"))
    }
}
