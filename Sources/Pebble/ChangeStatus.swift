/// A change's or a task's status, with Pebble's names (`Do`, `Doing`, `Done`, `Error`, ...).
///
/// Pebble spells these as strings; a value this client does not know is kept as it came.
public struct ChangeStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Waiting to run.
    public static let `do` = ChangeStatus(rawValue: "Do")
    /// Running.
    public static let doing = ChangeStatus(rawValue: "Doing")
    /// Finished successfully.
    public static let done = ChangeStatus(rawValue: "Done")
    /// Failed.
    public static let error = ChangeStatus(rawValue: "Error")
    /// Not run because an earlier task in its lane failed.
    public static let hold = ChangeStatus(rawValue: "Hold")
    /// `Wait`.
    public static let wait = ChangeStatus(rawValue: "Wait")
    /// `Abort`.
    public static let abort = ChangeStatus(rawValue: "Abort")
    /// `Undo`.
    public static let undo = ChangeStatus(rawValue: "Undo")
    /// `Undoing`.
    public static let undoing = ChangeStatus(rawValue: "Undoing")
    /// `Undone`.
    public static let undone = ChangeStatus(rawValue: "Undone")
}
