/// A check's level: which health endpoint it counts for.
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct CheckLevel: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Not set.
    public static let unset = CheckLevel(rawValue: "")
    /// `alive`.
    public static let alive = CheckLevel(rawValue: "alive")
    /// `ready`.
    public static let ready = CheckLevel(rawValue: "ready")
}
