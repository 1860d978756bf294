/// What a requirer asks for in `database`: one database by name, or every database whose name
/// starts with a prefix (`names*`).
public enum DatabaseRequest: Sendable, Hashable, CustomStringConvertible {
    case name(String)
    /// The prefix, without the trailing `*`.
    case prefix(String)

    /// The longest name PostgreSQL keeps (NAMEDATALEN - 1), in bytes.
    public static let maximumBytes = 63
    /// The fewest characters before `*` in a prefix request.
    public static let minimumPrefixCharacters = 3

    /// Parses and checks a `database` value.
    public init(parsing value: String) throws(FormatError) {
        // '*' is looked for among Unicode scalars: "abc*\u{301}" is not a prefix, nor a name.
        let stars = value.unicodeScalars.filter { $0 == "*" }.count
        if stars > 0 {
            guard stars == 1, value.unicodeScalars.last == "*" else {
                throw FormatError(
                    problem: "'*' other than as the last character",
                    expected: "a name, or a prefix ending in a single '*' (names*)")
            }
            let stem = String(String.UnicodeScalarView(value.unicodeScalars.dropLast()))
            guard stem.unicodeScalars.count >= Self.minimumPrefixCharacters else {
                throw FormatError(
                    problem: "prefix \(quoted(value)) has fewer than \(Self.minimumPrefixCharacters) characters before '*'",
                    expected: "at least \(Self.minimumPrefixCharacters) characters before the '*'")
            }
            try Self.checkName(value, shown: value)
            self = .prefix(stem)
        } else {
            try Self.checkName(value, shown: value)
            self = .name(value)
        }
    }

    /// Checks a plain database name (no `*`).
    public static func validateName(_ value: String) -> FormatError? {
        if value.unicodeScalars.contains("*") {
            return FormatError(problem: "\(quoted(value)) contains '*'", expected: "a database name without '*'")
        }
        do { try checkName(value, shown: value) } catch { return error }
        return nil
    }

    static func checkName(_ value: String, shown: String) throws(FormatError) {
        guard !value.isEmpty else { throw FormatError(problem: "empty name", expected: "1 to 63 bytes") }
        if value.unicodeScalars.contains(where: \.isControl) {
            throw FormatError(problem: "\(quoted(shown)) contains a control character", expected: "a name without control characters")
        }
        if value.utf8.count > maximumBytes {
            throw FormatError(
                problem: "\(quoted(shown)) is \(value.utf8.count) bytes long",
                expected: "at most \(maximumBytes) bytes of UTF-8 (PostgreSQL truncates longer names)")
        }
    }

    /// The wire form.
    public var description: String {
        switch self {
        case .name(let name): return name
        case .prefix(let stem): return stem + "*"
        }
    }

    /// Whether `database` matches this request.
    public func matches(_ database: String) -> Bool {
        switch self {
        case .name(let name): return name == database
        case .prefix(let stem): return database.utf8.starts(with: stem.utf8)
        }
    }
}
