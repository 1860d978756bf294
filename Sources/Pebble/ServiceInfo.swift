import JujuJSON

/// A service's status, as `GET /v1/services` answers (ops' `ServiceInfo`).
public struct ServiceInfo: Sendable, Hashable {
    public var name: String
    /// `enabled` or `disabled` (a plan's unset startup reads as `disabled`).
    public var startup: ServiceStartup
    public var current: ServiceStatus
    /// When ``current`` last changed (RFC 3339), if the service ever ran.
    public var currentSince: String?

    public init(name: String, startup: ServiceStartup, current: ServiceStatus, currentSince: String? = nil) {
        self.name = name
        self.startup = startup
        self.current = current
        self.currentSince = currentSince
    }

    /// `true` when the service is `active` (starting or running), as ops' `is_running()`.
    public var isRunning: Bool { current == .active }

    /// Reads one entry of the result.
    public init(json: JSONValue) throws(PebbleError) {
        let o = try json.pebbleObject("service info")
        name = try o.required("name", in: "service info")
        startup = ServiceStartup(rawValue: try o.required("startup", in: "service info"))
        current = ServiceStatus(rawValue: try o.required("current", in: "service info"))
        currentSince = try o.optionalString("current-since", in: "service info")
    }

    /// The entry as Pebble writes it.
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["name": .string(name), "startup": .string(startup.rawValue), "current": .string(current.rawValue)]
        o.set("current-since", currentSince)
        return .object(o)
    }
}
