/// Pebble's plan: all layers combined, as `GET /v1/plan?format=yaml` answers.
///
/// ``yaml`` keeps the text Pebble sent; the typed fields are read from it.
public struct Plan: Sendable, Hashable {
    public var services: [String: Service]
    public var checks: [String: Check]
    /// `log-targets`
    public var logTargets: [String: LogTarget]
    /// The plan's YAML, as Pebble answered it (empty for a plan built in Swift).
    public var yaml: String

    public init(services: [String: Service] = [:], checks: [String: Check] = [:], logTargets: [String: LogTarget] = [:],
                yaml: String = "") {
        self.services = services
        self.checks = checks
        self.logTargets = logTargets
        self.yaml = yaml
    }

    /// Plans are equal when their services, checks and log targets are (not their text).
    public static func == (a: Plan, b: Plan) -> Bool {
        a.services == b.services && a.checks == b.checks && a.logTargets == b.logTargets
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(services)
        hasher.combine(checks)
        hasher.combine(logTargets)
    }
}
