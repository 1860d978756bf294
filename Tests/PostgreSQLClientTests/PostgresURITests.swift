import JujuJSON
import PostgreSQLClient
import Testing

@Suite("PostgresURI")
struct PostgresURITests {
    @Test("parses the URI postgresql-k8s writes")
    func parsesPostgresK8sForm() throws {
        let uri = try PostgresURI(
            parsing: "postgresql://relation_id_7:Xq3vN8kLp2@postgresql-k8s-primary.dev.svc.cluster.local:5432/names_db")
        #expect(uri.scheme == "postgresql")
        #expect(uri.user == "relation_id_7")
        #expect(uri.password == "Xq3vN8kLp2")
        #expect(uri.hosts == [PostgresURI.Host(host: "postgresql-k8s-primary.dev.svc.cluster.local", port: 5432)])
        #expect(uri.database == "names_db")
        #expect(uri.parameters.isEmpty)
        #expect(uri.string == "postgresql://relation_id_7:Xq3vN8kLp2@postgresql-k8s-primary.dev.svc.cluster.local:5432/names_db")
    }

    @Test("multi-host URIs with IPv6 hosts, missing ports and query parameters")
    func multiHost() throws {
        let uri = try PostgresURI(parsing: "postgres://u@h1:5432,[fd00::5]:5433,[::1],10.0.0.7/db?sslmode=require&target_session_attrs=read-write&application_name=")
        #expect(uri.scheme == "postgres")
        #expect(uri.user == "u")
        #expect(uri.password == nil)
        #expect(uri.hosts == [
            .init(host: "h1", port: 5432), .init(host: "fd00::5", port: 5433), .init(host: "::1", port: nil),
            .init(host: "10.0.0.7", port: nil),
        ])
        #expect(uri.database == "db")
        #expect(uri.parameters.map(\.key) == ["sslmode", "target_session_attrs", "application_name"])
        #expect(uri.parameters.map(\.value) == ["require", "read-write", ""])
        #expect(uri.string == "postgres://u@h1:5432,[fd00::5]:5433,[::1],10.0.0.7/db?sslmode=require&target_session_attrs=read-write&application_name=")
    }

    @Test("minimal URIs: host only, no user, no database")
    func minimal() throws {
        let uri = try PostgresURI(parsing: "postgresql://db.local")
        #expect(uri.user == nil)
        #expect(uri.password == nil)
        #expect(uri.hosts == [.init(host: "db.local")])
        #expect(uri.database == nil)
        #expect(try PostgresURI(parsing: "postgresql://db.local/").database == nil)
        #expect(try PostgresURI(parsing: "postgresql://db.local?sslmode=disable").parameters.map(\.value) == ["disable"])
    }

    @Test("user, password, database and parameters are percent-decoded")
    func percentDecoding() throws {
        let uri = try PostgresURI(parsing: "postgresql://us%40er:p%40ss%3Aw%2Frd%25%C3%A9%F0%9F%98%80%3F%23@h:5432/my%20db%2Fx?opt%3D=a%26b")
        #expect(uri.user == "us@er")
        #expect(uri.password == "p@ss:w/rd%é😀?#")
        #expect(uri.database == "my db/x")
        #expect(uri.parameters.map(\.key) == ["opt="])
        #expect(uri.parameters.map(\.value) == ["a&b"])
        // Lower-case hex is accepted too.
        #expect(try PostgresURI(parsing: "postgresql://u:%c3%a9@h").password == "é")
    }

    @Test("building percent-encodes everything but RFC 3986 unreserved characters")
    func buildEncodes() throws {
        let uri = PostgresURI(
            user: "relation_id_7", password: "p@ss:w/rd%é 😀~-._", hosts: [.init(host: "2001:db8::5", port: 5432), .init(host: "db")],
            database: "names db", parameters: [(key: "sslmode", value: "verify-full"), (key: "a b", value: "c&d=e")])
        #expect(uri.string == "postgresql://relation_id_7:p%40ss%3Aw%2Frd%25%C3%A9%20%F0%9F%98%80~-._@[2001:db8::5]:5432,db/names%20db?sslmode=verify-full&a%20b=c%26d%3De")
        #expect(PostgresURI.percentEncode("AZaz09-._~") == "AZaz09-._~")
        #expect(PostgresURI.percentEncode("\u{7F}\u{1}+,;=") == "%7F%01%2B%2C%3B%3D")
    }

    struct RoundTrip: Sendable, CustomTestStringConvertible {
        var user: String?
        var password: String?
        var hosts: [PostgresURI.Host]
        var database: String?
        var parameters: [String]
        var scheme = "postgresql"
        var testDescription: String { "\(user.debugDescription) \(database.debugDescription) \(hosts.count) hosts" }
        var uri: PostgresURI {
            PostgresURI(
                user: user, password: password, hosts: hosts, database: database,
                parameters: parameters.map { (key: $0 + "k", value: $0) }, scheme: scheme)
        }
    }

    static let roundTrips: [RoundTrip] = [
        RoundTrip(user: "relation_id_7", password: "Xq3vN8", hosts: [.init(host: "10.1.2.3", port: 5432)], database: "names_db", parameters: []),
        RoundTrip(user: "u@x", password: "@:/%?#&=[]", hosts: [.init(host: "::1", port: 5432)], database: "a/b?c", parameters: ["x&y=z"]),
        RoundTrip(user: "名前", password: "пароль😀\u{7F}", hosts: [.init(host: "db", port: nil)], database: "базa", parameters: ["é"]),
        RoundTrip(user: "u", password: "", hosts: [.init(host: "h")], database: nil, parameters: []),
        RoundTrip(user: "", password: nil, hosts: [.init(host: "h")], database: "d", parameters: []),
        RoundTrip(user: nil, password: nil, hosts: [.init(host: "a", port: 1), .init(host: "::ffff:192.0.2.1", port: 65535), .init(host: "b.c.")], database: nil, parameters: ["", "v"], scheme: "postgres"),
        RoundTrip(user: "u", password: "%25%zz%", hosts: [.init(host: "h", port: 5432)], database: "%41", parameters: ["%"]),
        RoundTrip(user: "u", password: "a b\tc", hosts: [.init(host: "h", port: 5432)], database: "d e", parameters: []),
    ]

    @Test("parse(build(x)) == x for tricky values", arguments: roundTrips)
    func roundTrip(_ case_: RoundTrip) throws {
        let uri = case_.uri
        let parsed = try PostgresURI(parsing: uri.string)
        #expect(parsed == uri)
        #expect(parsed.user == case_.user)
        #expect(parsed.password == case_.password)
        #expect(parsed.database == case_.database)
        #expect(parsed.hosts == case_.hosts)
        #expect(parsed.parameters.map(\.value) == case_.parameters)
        #expect(parsed.string == uri.string)
        #expect(parsed.hashValue == uri.hashValue)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var text: String
        var problem: String
        var testDescription: String { text.debugDescription }
    }

    static let invalid: [Invalid] = [
        Invalid(text: "mysql://u:p@h:3306/db", problem: "scheme is not postgresql:// or postgres://"),
        Invalid(text: "POSTGRESQL://u:p@h/db", problem: "scheme is not postgresql:// or postgres://"),
        Invalid(text: "postgresql:/h/db", problem: "scheme is not postgresql:// or postgres://"),
        Invalid(text: " postgresql://u:p@h/db", problem: "scheme is not postgresql:// or postgres://"),
        Invalid(text: "postgresql://u:p@h/db name", problem: "white space or a control character in the URI"),
        Invalid(text: "postgresql://u:p@h/db\n", problem: "white space or a control character in the URI"),
        Invalid(text: "postgresql://u:p\u{7F}@h/db", problem: "white space or a control character in the URI"),
        Invalid(text: "postgresql://u:p@h/db\u{2028}", problem: "white space or a control character in the URI"),
        Invalid(text: "postgresql://u:p%zz@h/db", problem: "bad percent-encoding in the password"),
        Invalid(text: "postgresql://u%4:p@h/db", problem: "bad percent-encoding in the user"),
        Invalid(text: "postgresql://u:p@h/db%", problem: "bad percent-encoding in the database"),
        Invalid(text: "postgresql://u:p@h/db?a=%G1", problem: "bad percent-encoding in the parameter"),
        Invalid(text: "postgresql://u:%C3@h/db", problem: "the password does not decode to UTF-8 text without NUL"),
        Invalid(text: "postgresql://u:p%00@h/db", problem: "the password does not decode to UTF-8 text without NUL"),
        Invalid(text: "postgresql://u:p@h/%ED%A0%80", problem: "the database does not decode to UTF-8 text without NUL"),
        Invalid(text: "postgresql://u:p@/db", problem: "no host"),
        Invalid(text: "postgresql://", problem: "no host"),
        Invalid(text: "postgresql://u:p@h1,,h2/db", problem: "host 2 is empty"),
        Invalid(text: "postgresql://u:p@h:70000/db", problem: #"host 1: port "70000" of "h:70000" is not from 1 to 65535"#),
        Invalid(text: "postgresql://u:p@h:0/db", problem: #"host 1: port "0" of "h:0" is not from 1 to 65535"#),
        Invalid(text: "postgresql://u:p@fd00::5/db", problem: #"host 1: IPv6 address "fd00::5" is not in brackets"#),
        Invalid(text: "postgresql://u:p@[zz::1]/db", problem: #"host 1: "[zz::1]" is not a bracketed IPv6 address"#),
        Invalid(text: "postgresql://u:p@h_1/db", problem: #"host 1: "h_1" is not a valid host name"#),
        // Found by the databag fuzz target (Fuzz/findings/uris-host-error-quotes-password): with
        // the '@' missing, `user:password...` stands where the host is; it must not be quoted.
        Invalid(text: "postgresql://relation_id_9:uiyAPw0rdRxEG7Rjc0mNqn5Yl2GQjYVDB[fd42:1:2::10]:5432/names_db",
                problem: "host 1 is not a valid host[:port] (not shown: with no user part before '@', it may hold a password)"),
        Invalid(text: "postgresql://h_1/db", problem: "host 1 is not a valid host[:port] (not shown: with no user part before '@', it may hold a password)"),
        Invalid(text: "postgresql://u:p@h/db?sslmode", problem: "query item 1 is not key=value"),
        Invalid(text: "postgresql://u:p@h/db?a=1&&b=2", problem: "query item 2 is not key=value"),
        Invalid(text: "postgresql://u:p@h/db?=x", problem: "query item 1 is not key=value"),
    ]

    @Test("invalid URIs throw a FormatError with an exact problem", arguments: invalid)
    func rejectsInvalid(_ case_: Invalid) throws {
        let error = #expect(throws: FormatError.self) { try PostgresURI(parsing: case_.text) }
        #expect(error?.problem == case_.problem)
    }

    @Test("percentDecode checks escapes and the decoded bytes")
    func percentDecode() throws {
        #expect(try PostgresURI.percentDecode("a%2Fb%2fc") == "a/b/c")
        #expect(try PostgresURI.percentDecode("%F0%9F%98%80") == "😀")
        #expect(try PostgresURI.percentDecode("") == "")
        #expect(throws: FormatError.self) { try PostgresURI.percentDecode("%") }
        #expect(throws: FormatError.self) { try PostgresURI.percentDecode("%4") }
        #expect(throws: FormatError.self) { try PostgresURI.percentDecode("%F0%9F%98") }
        #expect(throws: FormatError.self) { try PostgresURI.percentDecode("%C0%AF") }
        let error = #expect(throws: FormatError.self) { try PostgresURI.percentDecode("%zz", part: "thing") }
        #expect(error?.problem == "bad percent-encoding in the thing")
    }

    @Test("encodes as its full string (password included) and decodes from it")
    func codable() throws {
        let uri = try PostgresURI(parsing: "postgresql://u:s%40cret@h:5432/db")
        let encoded = try JSONValueEncoder().encode(uri)
        #expect(encoded == .string("postgresql://u:s%40cret@h:5432/db"))
        #expect(try JSONValueDecoder().decode(PostgresURI.self, from: encoded) == uri)
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(PostgresURI.self, from: .string("mysql://h")) }
    }

    @Test("equality compares every part, including parameter order")
    func equality() throws {
        let a = try PostgresURI(parsing: "postgresql://u:p@h/db?a=1&b=2")
        #expect(a == (try PostgresURI(parsing: "postgresql://u:p@h/db?a=1&b=2")))
        #expect(a != (try PostgresURI(parsing: "postgresql://u:p@h/db?b=2&a=1")))
        #expect(a != (try PostgresURI(parsing: "postgresql://u:q@h/db?a=1&b=2")))
        #expect(a != (try PostgresURI(parsing: "postgres://u:p@h/db?a=1&b=2")))
        #expect(a != (try PostgresURI(parsing: "postgresql://u:p@h:5432/db?a=1&b=2")))
        #expect(Set([a, try PostgresURI(parsing: "postgresql://u:p@h/db?a=1&b=2")]).count == 1)
    }
}
