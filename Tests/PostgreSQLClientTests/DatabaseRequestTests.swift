import PostgreSQLClient
import Testing

@Suite("DatabaseRequest")
struct DatabaseRequestTests {
    @Test(
        "plain names parse as .name and print back unchanged",
        arguments: ["names_db", "a", "My-DB", "db.with.dots", "名前", "é", "with space", "x\u{80}y", String(repeating: "n", count: 63)])
    func names(_ value: String) throws {
        let request = try DatabaseRequest(parsing: value)
        #expect(request == .name(value))
        #expect(request.description == value)
        #expect(DatabaseRequest.validateName(value) == nil)
    }

    @Test("the 63-byte limit counts UTF-8 bytes, not characters")
    func byteBoundary() throws {
        let ascii63 = String(repeating: "a", count: 63)
        let ascii64 = ascii63 + "a"
        let twoByte63 = String(repeating: "é", count: 31) + "a"  // 31 * 2 + 1 = 63 bytes, 32 characters
        let twoByte64 = String(repeating: "é", count: 32)  // 64 bytes, 32 characters
        let fourByte64 = String(repeating: "😀", count: 16)  // 64 bytes, 16 characters
        #expect(twoByte63.utf8.count == 63)
        #expect(try DatabaseRequest(parsing: ascii63) == .name(ascii63))
        #expect(try DatabaseRequest(parsing: twoByte63) == .name(twoByte63))
        let e1 = #expect(throws: FormatError.self) { try DatabaseRequest(parsing: ascii64) }
        #expect(e1?.problem.hasSuffix(" is 64 bytes long") == true)
        #expect(e1?.expected == "at most 63 bytes of UTF-8 (PostgreSQL truncates longer names)")
        let e2 = #expect(throws: FormatError.self) { try DatabaseRequest(parsing: twoByte64) }
        #expect(e2?.problem.hasSuffix(" is 64 bytes long") == true)
        #expect(throws: FormatError.self) { try DatabaseRequest(parsing: fourByte64) }
        // For a prefix the whole value, '*' included, counts.
        let prefix63 = String(repeating: "p", count: 62) + "*"
        #expect(try DatabaseRequest(parsing: prefix63) == .prefix(String(repeating: "p", count: 62)))
        let e3 = #expect(throws: FormatError.self) { try DatabaseRequest(parsing: String(repeating: "p", count: 63) + "*") }
        #expect(e3?.problem.hasSuffix(" is 64 bytes long") == true)
        #expect(DatabaseRequest.validateName(ascii64) != nil)
        #expect(DatabaseRequest.validateName(ascii63) == nil)
    }

    @Test("control characters U+0000-U+001F and U+007F are refused", arguments: ["\t", "\n", "\r", "\u{0}", "\u{1}", "\u{1B}", "\u{1F}", "\u{7F}"])
    func controlCharacters(_ control: String) throws {
        let value = "names" + control + "db"
        let error = #expect(throws: FormatError.self) { try DatabaseRequest(parsing: value) }
        #expect(error?.problem.hasSuffix("contains a control character") == true)
        #expect(error?.expected == "a name without control characters")
        #expect(throws: FormatError.self) { try DatabaseRequest(parsing: "abc" + control + "*") }
        #expect(DatabaseRequest.validateName(value) != nil)
    }

    @Test("the empty name is refused")
    func emptyName() throws {
        let error = #expect(throws: FormatError.self) { try DatabaseRequest(parsing: "") }
        #expect(error?.problem == "empty name")
        #expect(DatabaseRequest.validateName("")?.problem == "empty name")
    }

    @Test(
        "well-formed prefixes: one '*', last, at least 3 Unicode scalars before it",
        arguments: [("abc*", "abc"), ("names_*", "names_"), ("e\u{301}x*", "e\u{301}x"), ("名前は*", "名前は"), ("😀😀😀*", "😀😀😀")])
    func prefixes(value: String, stem: String) throws {
        let request = try DatabaseRequest(parsing: value)
        guard case .prefix(let parsed) = request else {
            Issue.record("\(value) parsed as \(request)")
            return
        }
        #expect(Array(parsed.unicodeScalars) == Array(stem.unicodeScalars))
        #expect(request.description == value)
    }

    @Test(
        "malformed prefixes are refused",
        arguments: [
            ("ab*", #"prefix "ab*" has fewer than 3 characters before '*'"#),
            ("é*", #"prefix "é*" has fewer than 3 characters before '*'"#),
            ("*", #"prefix "*" has fewer than 3 characters before '*'"#),
            ("a*b", "'*' other than as the last character"),
            ("app*db", "'*' other than as the last character"),
            ("**", "'*' other than as the last character"),
            ("app**", "'*' other than as the last character"),
            ("*app", "'*' other than as the last character"),
        ])
    func badPrefixes(value: String, problem: String) throws {
        let error = #expect(throws: FormatError.self) { try DatabaseRequest(parsing: value) }
        #expect(error?.problem == problem)
        #expect(DatabaseRequest.validateName(value)?.problem == "\"\(value)\" contains '*'")
    }

    @Test("matches: names exactly, prefixes by UTF-8 bytes")
    func matching() throws {
        let name = try DatabaseRequest(parsing: "names_db")
        #expect(name.matches("names_db"))
        #expect(!name.matches("names_db2"))
        #expect(!name.matches("names"))
        #expect(!name.matches("NAMES_DB"))
        let prefix = try DatabaseRequest(parsing: "names_*")
        #expect(prefix.matches("names_"))
        #expect(prefix.matches("names_a"))
        #expect(prefix.matches("names_b_c"))
        #expect(!prefix.matches("names"))
        #expect(!prefix.matches("Names_a"))
        #expect(!prefix.matches("x_names_a"))
        // "é" followed by a combining accent is not the same bytes as "é" precomposed.
        let accented = try DatabaseRequest(parsing: "cafe\u{301}*")
        #expect(accented.matches("cafe\u{301}_1"))
        #expect(!accented.matches("caf\u{E9}_1"))
    }

    /// A `*` scalar hidden inside a grapheme cluster (`*` + combining mark, or the keycap emoji
    /// `*️⃣`) is still a `*`: the spec counts Unicode scalars and a name has "no `*`".
    @Test("a '*' followed by a combining mark is still a '*'", arguments: ["abc*\u{301}", "abc*\u{FE0F}\u{20E3}", "ab*\u{301}c"])
    func starInsideGrapheme(_ value: String) throws {
        #expect(throws: FormatError.self) { try DatabaseRequest(parsing: value) }
        #expect(DatabaseRequest.validateName(value) != nil)
    }
}
