/// A notice's type.
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct NoticeType: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Recorded by a client with `POST /v1/notices` (Juju turns these into `<container>-pebble-custom-notice`).
    public static let custom = NoticeType(rawValue: "custom")
    /// A change's status changed (check changes become `-pebble-check-failed`/`-recovered` in Juju).
    public static let changeUpdate = NoticeType(rawValue: "change-update")
    /// A warning from Pebble.
    public static let warning = NoticeType(rawValue: "warning")
}
