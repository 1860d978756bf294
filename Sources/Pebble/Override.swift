/// How a layer's service, check or log target combines with the same name in earlier layers.
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct Override: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Not set: Pebble refuses the layer when it is combined.
    public static let unset = Override(rawValue: "")
    /// Fields set here replace the earlier ones; lists are appended and maps merged key by key.
    public static let merge = Override(rawValue: "merge")
    /// This definition replaces the earlier one entirely.
    public static let replace = Override(rawValue: "replace")
}
