/// A service's current status as `GET /v1/services` reports it.
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct ServiceStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Starting or running.
    public static let active = ServiceStatus(rawValue: "active")
    /// Never started, stopped, or being stopped.
    public static let inactive = ServiceStatus(rawValue: "inactive")
    /// Waiting to be restarted after it exited.
    public static let backoff = ServiceStatus(rawValue: "backoff")
    /// Exited and not to be restarted (its action was `ignore` and it failed, or `shutdown`).
    public static let error = ServiceStatus(rawValue: "error")
}
