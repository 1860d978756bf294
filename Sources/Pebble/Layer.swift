/// A Pebble configuration layer: what `add_layer` sends and `POST /v1/layers` accepts.
///
/// ```swift
/// let layer = Layer(summary: "FastAPI demo service", services: [
///     "fastapi-service": Service(override: .replace, command: "uvicorn api_demo_server.app:app --port=8000",
///                                summary: "fastapi demo", startup: .enabled,
///                                environment: ["DEMO_SERVER_DB_HOST": host]),
/// ])
/// try client.addLayer(label: "fastapi_demo", layer: layer, combine: true)
/// ```
///
/// ``yaml()`` writes it as YAML; ``init(yaml:)`` reads one. Printing a layer masks credential
/// values in its services' environments.
public struct Layer: Sendable, Hashable {
    public var summary: String
    public var description: String
    public var services: [String: Service]
    public var checks: [String: Check]
    /// `log-targets`
    public var logTargets: [String: LogTarget]

    public init(summary: String = "", description: String = "", services: [String: Service] = [:],
                checks: [String: Check] = [:], logTargets: [String: LogTarget] = [:]) {
        self.summary = summary
        self.description = description
        self.services = services
        self.checks = checks
        self.logTargets = logTargets
    }
}
