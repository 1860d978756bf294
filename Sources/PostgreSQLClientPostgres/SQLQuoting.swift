import PostgreSQLClientTestKit

extension AllocationError.Code {
    /// A password that cannot be stored (empty, or containing NUL). Defined here because only a
    /// real server has this limit; ``InMemoryAllocator`` accepts any password.
    public static let invalidPassword = AllocationError.Code(rawValue: "allocation-invalid-password")
}

/// Quoting of identifiers and string literals for the statements that PostgreSQL does not let
/// take bind parameters (`CREATE ROLE`, `GRANT`, `CREATE DATABASE`, ...).
///
/// Nothing that comes from a relation is ever put into SQL text without going through
/// ``quoteIdentifier(_:what:)`` or ``quoteLiteral(_:)``; values in queries are bind parameters.
public enum SQLQuoting {
    /// PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated by the server,
    /// which could name another object, so they are refused.
    public static let maxIdentifierBytes = 63

    /// Checks that `name` can be a PostgreSQL identifier as is: 1 to 63 UTF-8 bytes, no NUL and
    /// no control characters (the same rules as ``InMemoryAllocator``).
    public static func checkName(_ name: String, what: String) throws(AllocationError) {
        guard !name.isEmpty,
              name.utf8.count <= maxIdentifierBytes,
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw AllocationError(.invalidName, "\(what) is not a PostgreSQL identifier (1 to 63 bytes, no control characters)")
        }
    }

    /// `"name"` with every `"` doubled, after ``checkName(_:what:)``.
    ///
    /// Inside a quoted identifier only `"` is special (no backslash escapes), so doubling it is
    /// the whole of PostgreSQL's rule (`quote_ident`). The client encoding is UTF-8, where no
    /// byte of a multi-byte character can be `"`.
    public static func quoteIdentifier(_ name: String, what: String) throws(AllocationError) -> String {
        try checkName(name, what: what)
        var quoted = "\""
        quoted.reserveCapacity(name.utf8.count + 2)
        for scalar in name.unicodeScalars {
            if scalar == "\"" { quoted.append("\"\"") } else { quoted.unicodeScalars.append(scalar) }
        }
        quoted.append("\"")
        return quoted
    }

    /// An escape string constant `E'...'` with `\` and `'` doubled, or `nil` if `value` contains
    /// NUL (which no PostgreSQL text can hold).
    ///
    /// The `E` form does not depend on `standard_conforming_strings`: inside it, `\\` is always
    /// one backslash and `''` one quote, so the value cannot end the literal early whatever the
    /// server's settings.
    public static func quoteLiteral(_ value: String) -> String? {
        var quoted = "E'"
        quoted.reserveCapacity(value.utf8.count + 3)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\0": return nil
            case "'": quoted.append("''")
            case "\\": quoted.append("\\\\")
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        quoted.append("'")
        return quoted
    }
}
