/// A service's `startup` in a layer: `enabled` services start on replan and autostart.
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct ServiceStartup: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Not set in this layer (a merge keeps the earlier value; a plan reads it as disabled).
    public static let unset = ServiceStartup(rawValue: "")
    /// `enabled`.
    public static let enabled = ServiceStartup(rawValue: "enabled")
    /// `disabled`.
    public static let disabled = ServiceStartup(rawValue: "disabled")
}
