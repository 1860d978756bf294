/// A check's status as `GET /v1/checks` reports it.
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct CheckStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Running and below its failure threshold.
    public static let up = CheckStatus(rawValue: "up")
    /// Failed `threshold` times in a row.
    public static let down = CheckStatus(rawValue: "down")
    /// Stopped or `startup: disabled`.
    public static let inactive = CheckStatus(rawValue: "inactive")
}
