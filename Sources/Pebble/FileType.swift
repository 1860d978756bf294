/// The type of a file, as `GET /v1/files?action=list` reports it.
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct FileType: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// `file`.
    public static let file = FileType(rawValue: "file")
    /// `directory`.
    public static let directory = FileType(rawValue: "directory")
    /// `symlink`.
    public static let symlink = FileType(rawValue: "symlink")
    /// `socket`.
    public static let socket = FileType(rawValue: "socket")
    /// `named-pipe`.
    public static let namedPipe = FileType(rawValue: "named-pipe")
    /// `device`.
    public static let device = FileType(rawValue: "device")
    /// `unknown`.
    public static let unknown = FileType(rawValue: "unknown")
}
