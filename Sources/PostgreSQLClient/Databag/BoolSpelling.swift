/// How a `Bool` is written into a databag.
///
/// postgresql-k8s writes `tls` as Python's `str(bool)` (`"True"`/`"False"`), while
/// `data_interfaces` writes `subordinated` and `external-node-connectivity` as `"true"`.
/// Reading accepts `true`/`false` in any letter case.
public enum BoolSpelling: String, Sendable, Hashable {
    /// `"True"` / `"False"`.
    case python
    /// `"true"` / `"false"`.
    case lowercase

    public func spell(_ value: Bool) -> String {
        switch self {
        case .python: return value ? "True" : "False"
        case .lowercase: return value ? "true" : "false"
        }
    }

    /// Reads `true`/`false` in any letter case; `nil` for anything else.
    public static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }
}
