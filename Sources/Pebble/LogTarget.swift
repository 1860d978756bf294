/// A log target in a Pebble layer or plan: where Pebble forwards the services' logs.
public struct LogTarget: Sendable, Hashable {
    /// `type`: `loki`, `opentelemetry` or `syslog`.
    public var type: LogTargetType
    /// `location`: the server's address.
    public var location: String
    /// `services`: names, `all`, and `-name`/`-all` to take some away again.
    public var services: [String]
    /// `override`: `merge` or `replace`.
    public var override: Override
    /// `labels`: added to every forwarded record.
    public var labels: [String: String]

    public init(type: LogTargetType = .unset, location: String = "", services: [String] = [], override: Override = .unset,
                labels: [String: String] = [:]) {
        self.type = type
        self.location = location
        self.services = services
        self.override = override
        self.labels = labels
    }
}
