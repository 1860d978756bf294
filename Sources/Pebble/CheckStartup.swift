/// A check's `startup`: `enabled` (the default) checks run as soon as the plan has them.
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct CheckStartup: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Not set.
    public static let unset = CheckStartup(rawValue: "")
    /// `enabled`.
    public static let enabled = CheckStartup(rawValue: "enabled")
    /// `disabled`.
    public static let disabled = CheckStartup(rawValue: "disabled")
}
