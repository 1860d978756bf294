/// What Pebble does when a service exits (`on-success`, `on-failure`) or a check fails (`on-check-failure`).
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct ServiceAction: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Not set: `restart`.
    public static let unset = ServiceAction(rawValue: "")
    /// Restart the service after its backoff delay.
    public static let restart = ServiceAction(rawValue: "restart")
    /// Shut Pebble down (the container restarts).
    public static let shutdown = ServiceAction(rawValue: "shutdown")
    /// Leave the service stopped.
    public static let ignore = ServiceAction(rawValue: "ignore")
    /// Shut Pebble down with success (`on-failure` and `on-check-failure` only).
    public static let successShutdown = ServiceAction(rawValue: "success-shutdown")
    /// Shut Pebble down with failure (`on-success` only).
    public static let failureShutdown = ServiceAction(rawValue: "failure-shutdown")
}
