import JujuHookTools
import JujuJSON
import PostgreSQLClient

/// The charm of Juju's tutorial "Integrate your charm with PostgreSQL", in Swift.
///
/// It requires `database` (interface `postgresql_client`, limit 1) with the database
/// `names_db`. On `database_created` and `endpoints_changed` it rebuilds its Pebble layer with
/// the database's host, port, user and password in the environment of the FastAPI demo server;
/// until then, and after the relation is broken, it waits for the database.
public struct DemoAPICharm: Sendable {
    public static let appName = "demo-api-charm"
    public static let relationName = "database"
    public static let databaseName = "names_db"
    public static let containerName = "demo-server"
    public static let serviceName = "fastapi-service"
    public static let waitingMessage = "Waiting for database relation"

    /// The `server-port` config option.
    public var serverPort: Int

    public init(serverPort: Int = 8000) {
        self.serverPort = serverPort
    }

    /// The requirer the charm constructs, as the tutorial's `DatabaseRequires(self,
    /// relation_name="database", database_name="names_db")`.
    public static func requirer() throws(EngineError) -> DatabaseRequirer {
        try DatabaseRequirer(.init(relationName: relationName, databaseName: databaseName))
    }

    /// What the charm decided in one hook: the unit status and, when the database is ready,
    /// the Pebble layer to add (with `combine: true`) before replanning.
    public struct Outcome: Sendable, Hashable {
        public var status: WorkloadStatus
        public var message: String
        public var layer: PebbleLayer?

        public init(status: WorkloadStatus, message: String, layer: PebbleLayer?) {
            self.status = status
            self.message = message
            self.layer = layer
        }
    }

    /// The environment the workload gets from the database credentials.
    public static func environment(_ credentials: DatabaseCredentials) -> [String: String] {
        [
            "DEMO_SERVER_DB_HOST": credentials.host,
            "DEMO_SERVER_DB_PORT": String(credentials.port),
            "DEMO_SERVER_DB_USER": credentials.username,
            "DEMO_SERVER_DB_PASSWORD": credentials.password,
        ]
    }

    /// The charm's reaction: `credentials` are what the requirer can read now (`nil` when the
    /// provider has not answered); `broken` is true in relation-broken.
    public func outcome(credentials: DatabaseCredentials?, broken: Bool = false) -> Outcome {
        guard let credentials, !broken else {
            return Outcome(status: .waiting, message: Self.waitingMessage, layer: nil)
        }
        return Outcome(status: .active, message: "", layer: pebbleLayer(environment: Self.environment(credentials)))
    }

    /// The tutorial's Pebble layer for the FastAPI demo server.
    public func pebbleLayer(environment: [String: String]) -> PebbleLayer {
        PebbleLayer(
            summary: "FastAPI demo service",
            description: "pebble config layer for FastAPI demo server",
            services: [
                Self.serviceName: .init(
                    override: "replace", summary: "fastapi demo",
                    command: "uvicorn api_demo_server.app:app --host=0.0.0.0 --port=\(serverPort)",
                    startup: "enabled", environment: environment)
            ])
    }
}

/// A Pebble layer, as `pebble add` and the Pebble API accept it (JSON is also YAML).
/// ``description`` masks environment values whose names mention a password.
public struct PebbleLayer: Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Service: Sendable, Hashable, Codable {
        public var override: String
        public var summary: String
        public var command: String
        public var startup: String
        public var environment: [String: String]
    }

    public var summary: String
    public var description_: String
    public var services: [String: Service]

    public init(summary: String, description: String, services: [String: Service]) {
        self.summary = summary
        self.description_ = description
        self.services = services
    }

    enum CodingKeys: String, CodingKey {
        case summary
        case description_ = "description"
        case services
    }

    /// The layer as a JSON value, built directly (not through `Codable`: generic encoding was a
    /// fifth of a hook's start-up work); `masked` hides the values of password variables.
    public func jsonValue(masked: Bool = false) -> JSONValue {
        var services: [String: JSONValue] = [:]
        for (name, service) in self.services {
            var environment: [String: JSONValue] = [:]
            for (key, value) in service.environment {
                environment[key] = .string(masked && key.uppercased().contains("PASSWORD") ? "********" : value)
            }
            services[name] = .object([
                "override": .string(service.override), "summary": .string(service.summary),
                "command": .string(service.command), "startup": .string(service.startup),
                "environment": .object(environment),
            ])
        }
        return .object(["summary": .string(summary), "description": .string(description_), "services": .object(services)])
    }

    /// The layer as JSON, keys sorted; `masked` hides password values.
    public func json(masked: Bool = false) -> String {
        jsonValue(masked: masked).serialized(style: .python)
    }

    public var description: String { json(masked: true) }
}
