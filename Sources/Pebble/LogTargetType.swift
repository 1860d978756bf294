/// Where a log target forwards service logs.
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct LogTargetType: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Not set.
    public static let unset = LogTargetType(rawValue: "")
    /// `loki`.
    public static let loki = LogTargetType(rawValue: "loki")
    /// `opentelemetry`.
    public static let opentelemetry = LogTargetType(rawValue: "opentelemetry")
    /// `syslog`.
    public static let syslog = LogTargetType(rawValue: "syslog")
}
