import JujuJSON
import PostgreSQLClient
import Testing

@Suite("Endpoint and EndpointList")
struct EndpointTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var text: String
        var host: String
        var port: UInt16
        var kind: Endpoint.HostKind
        var testDescription: String { text }
    }

    static let valid: [Valid] = [
        Valid(text: "10.1.2.3:5432", host: "10.1.2.3", port: 5432, kind: .ipv4),
        Valid(text: "0.0.0.0:1", host: "0.0.0.0", port: 1, kind: .ipv4),
        Valid(text: "255.255.255.255:65535", host: "255.255.255.255", port: 65535, kind: .ipv4),
        Valid(text: "[::1]:5432", host: "::1", port: 5432, kind: .ipv6),
        Valid(text: "[2001:db8::5]:5432", host: "2001:db8::5", port: 5432, kind: .ipv6),
        Valid(text: "[fd00::5]:6432", host: "fd00::5", port: 6432, kind: .ipv6),
        Valid(text: "[::ffff:192.0.2.1]:5432", host: "::ffff:192.0.2.1", port: 5432, kind: .ipv6),
        Valid(text: "[2001:DB8:0:0:0:0:0:1]:5432", host: "2001:DB8:0:0:0:0:0:1", port: 5432, kind: .ipv6),
        Valid(text: "[::]:5432", host: "::", port: 5432, kind: .ipv6),
        Valid(
            text: "postgresql-k8s-primary.dev.svc.cluster.local:5432",
            host: "postgresql-k8s-primary.dev.svc.cluster.local", port: 5432, kind: .name),
        Valid(
            text: "postgresql-k8s-replicas.my-model.svc.cluster.local:5432",
            host: "postgresql-k8s-replicas.my-model.svc.cluster.local", port: 5432, kind: .name),
        Valid(text: "db.example.com.:5432", host: "db.example.com.", port: 5432, kind: .name),
        Valid(text: "localhost:5432", host: "localhost", port: 5432, kind: .name),
        Valid(text: "DB-1.Example.COM:5432", host: "DB-1.Example.COM", port: 5432, kind: .name),
        Valid(text: "10.1.2.3a:5432", host: "10.1.2.3a", port: 5432, kind: .name),
        Valid(text: "db:05432", host: "db", port: 5432, kind: .name),
    ]

    @Test("valid endpoints parse into host, port and host kind", arguments: valid)
    func parsesValid(_ case_: Valid) throws {
        let endpoint = try Endpoint(parsing: Substring(case_.text))
        #expect(endpoint.host == case_.host)
        #expect(endpoint.port == case_.port)
        #expect(endpoint.hostKind == case_.kind)
    }

    @Test("description is the wire form, brackets around IPv6, and parses back to the same endpoint", arguments: valid)
    func descriptionRoundTrip(_ case_: Valid) throws {
        let endpoint = try Endpoint(parsing: Substring(case_.text))
        let again = try Endpoint(parsing: Substring(endpoint.description))
        #expect(again == endpoint)
        if case_.kind == .ipv6 {
            #expect(endpoint.description == "[\(case_.host)]:\(case_.port)")
        } else {
            #expect(endpoint.description == "\(case_.host):\(case_.port)")
        }
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var text: String
        var problem: String
        var testDescription: String { text.debugDescription }
    }

    static let invalid: [Invalid] = [
        Invalid(text: "", problem: "empty endpoint"),
        Invalid(text: "db:0", problem: #"port "0" of "db:0" is not from 1 to 65535"#),
        Invalid(text: "db:65536", problem: #"port "65536" of "db:65536" is not from 1 to 65535"#),
        Invalid(text: "db:99999", problem: #"port "99999" of "db:99999" is not from 1 to 65535"#),
        Invalid(text: "db:", problem: #""db:" has no port"#),
        Invalid(text: "db:+5", problem: #"port "+5" of "db:+5" is not from 1 to 65535"#),
        Invalid(text: "db:-1", problem: #"port "-1" of "db:-1" is not from 1 to 65535"#),
        Invalid(text: "db:54a2", problem: #"port "54a2" of "db:54a2" is not from 1 to 65535"#),
        Invalid(text: "db:٥٤٣٢", problem: #"port "٥٤٣٢" of "db:٥٤٣٢" is not from 1 to 65535"#),
        Invalid(text: "10.1.2.3", problem: #""10.1.2.3" has no port"#),
        Invalid(text: "::1:5432", problem: #"IPv6 address "::1:5432" is not in brackets"#),
        Invalid(text: "fd00::5:5432", problem: #"IPv6 address "fd00::5:5432" is not in brackets"#),
        Invalid(text: "[::1]5432", problem: #""[::1]5432" has no port"#),
        Invalid(text: "[::1]", problem: #""[::1]" has no port"#),
        Invalid(text: "[::1:5432", problem: #""[::1:5432" has no closing bracket"#),
        Invalid(text: "[g::1]:5432", problem: #""g::1" in brackets is not an IPv6 address"#),
        Invalid(text: "[10.0.0.1]:5432", problem: #""10.0.0.1" in brackets is not an IPv6 address"#),
        Invalid(text: "[1::2::3]:5432", problem: #""1::2::3" in brackets is not an IPv6 address"#),
        Invalid(text: "10.1.2.300:5432", problem: #""10.1.2.300" is not a valid IPv4 address"#),
        Invalid(text: "10.1.2:5432", problem: #""10.1.2" is not a valid IPv4 address"#),
        Invalid(text: "db_1:5432", problem: #""db_1" is not a valid host name"#),
        Invalid(text: "-db:5432", problem: #""-db" is not a valid host name"#),
        Invalid(text: "db-.local:5432", problem: #""db-.local" is not a valid host name"#),
        Invalid(text: "a..b:5432", problem: #""a..b" is not a valid host name"#),
        Invalid(text: ".db:5432", problem: #"".db" is not a valid host name"#),
        Invalid(text: "db..:5432", problem: #""db.." is not a valid host name"#),
        Invalid(text: "dé.local:5432", problem: #""dé.local" is not a valid host name"#),
        Invalid(text: ":5432", problem: "empty host"),
        Invalid(text: "db :5432", problem: #"white space (U+20) in "db :5432""#),
        Invalid(text: " db:5432", problem: #"white space (U+20) in " db:5432""#),
        Invalid(text: "db:5432\n", problem: #"white space (U+A) in "db:5432\u{a}""#),
        Invalid(text: "\tdb:5432", problem: #"white space (U+9) in "\u{9}db:5432""#),
        Invalid(text: "db:54\u{A0}32", problem: "white space (U+A0) in \"db:54\u{A0}32\""),
    ]

    @Test("invalid endpoints throw a FormatError with an exact problem", arguments: invalid)
    func rejectsInvalid(_ case_: Invalid) throws {
        let error = #expect(throws: FormatError.self) { try Endpoint(parsing: Substring(case_.text)) }
        #expect(error?.problem == case_.problem)
        let hostProblem = case_.problem == "empty host" || case_.problem.hasSuffix("is not a valid IPv4 address")
            || case_.problem.hasSuffix("is not a valid host name")
        #expect(
            error?.expected
                == (hostProblem
                    ? "an IPv4 address, a bracketed IPv6 address or a DNS name"
                    : "host:port, with IPv6 addresses in brackets ([::1]:5432) and a port from 1 to 65535"))
    }

    @Test("DNS names: labels up to 63 characters, 253 characters in all")
    func nameLengthLimits() throws {
        let label63 = String(repeating: "a", count: 63)
        #expect(try Endpoint(parsing: Substring("\(label63):5432")).hostKind == .name)
        #expect(throws: FormatError.self) { try Endpoint(parsing: Substring("\(label63)b:5432")) }
        // 4 labels of 63 + 3 dots = 255 > 253; 3 labels of 63 + "abcd" + 3 dots = 196.
        let name253 = [label63, label63, label63, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(name253.utf8.count == 253)
        #expect(try Endpoint(parsing: Substring("\(name253):1")).host == name253)
        let name254 = name253 + "b"
        let error = #expect(throws: FormatError.self) { try Endpoint(parsing: Substring("\(name254):1")) }
        #expect(error?.problem.hasSuffix("is not a valid host name") == true)
    }

    @Test("Endpoint(host:port:) checks the host and refuses port 0")
    func memberwiseInit() throws {
        let v6 = try Endpoint(host: "2001:db8::5", port: 5432)
        #expect(v6.hostKind == .ipv6)
        #expect(v6.description == "[2001:db8::5]:5432")
        #expect(try Endpoint(host: "10.0.0.1", port: 1).hostKind == .ipv4)
        #expect(try Endpoint(host: "db.local", port: 65535).description == "db.local:65535")
        let zero = #expect(throws: FormatError.self) { try Endpoint(host: "db", port: 0) }
        #expect(zero?.problem == "port 0")
        #expect(throws: FormatError.self) { try Endpoint(host: "", port: 5432) }
        #expect(throws: FormatError.self) { try Endpoint(host: "[::1]", port: 5432) }
        #expect(throws: FormatError.self) { try Endpoint(host: "db host", port: 5432) }
    }

    /// The spec (Terms: Host) asks for an IPv6 address in RFC 4291 text form inside brackets.
    @Test("bracketed hosts must be real IPv6 addresses", arguments: ["[1:2]:5432", "[::1::2]:5432", "[12345::1]:5432", "[1:2:3:4:5:6:7:8:9]:5432", "[::ffff:1.2.3.256]:5432"])
    func bracketsHoldRealIPv6(text: String) throws {
        #expect(throws: FormatError.self) { try Endpoint(parsing: text[...]) }
    }

    @Test("EndpointList parses a list and keeps its order")
    func listParses() throws {
        let list = try EndpointList(parsing: "10.1.2.3:5432,[fd00::5]:5433,postgresql-k8s-replicas.dev.svc.cluster.local:6432")
        #expect(list.count == 3)
        #expect(list.map(\.host) == ["10.1.2.3", "fd00::5", "postgresql-k8s-replicas.dev.svc.cluster.local"])
        #expect(list.map(\.port) == [5432, 5433, 6432])
        #expect(list.map(\.hostKind) == [.ipv4, .ipv6, .name])
        #expect(list.description == "10.1.2.3:5432,[fd00::5]:5433,postgresql-k8s-replicas.dev.svc.cluster.local:6432")
    }

    @Test("EndpointList of 20 hosts round-trips through its description")
    func twentyHosts() throws {
        let items = (1...20).map { index in
            index % 3 == 0 ? "[fd00::\(String(index, radix: 16))]:\(5400 + index)"
                : index % 3 == 1 ? "10.0.0.\(index):5432" : "pg-\(index).model.svc.cluster.local:\(6000 + index)"
        }
        let text = items.joined(separator: ",")
        let list = try EndpointList(parsing: text)
        #expect(list.count == 20)
        #expect(list.description == text)
        #expect(try EndpointList(parsing: list.description) == list)
        #expect(list[19].description == items[19])
        #expect(EndpointList(list.endpoints) == list)
    }

    @Test(
        "EndpointList rejects empty items, white space and bad items",
        arguments: [
            ("", "empty list"),
            ("10.1.2.3:5432,", "item 2 is empty"),
            (",10.1.2.3:5432", "item 1 is empty"),
            ("a:1,,b:2", "item 2 is empty"),
            ("10.1.2.3:5432, 10.1.2.4:5432", #"white space (U+20) in " 10.1.2.4:5432""#),
            ("10.1.2.3:5432,db:0", #"port "0" of "db:0" is not from 1 to 65535"#),
            ("10.1.2.3:5432,fd00::5:5432", #"IPv6 address "fd00::5:5432" is not in brackets"#),
        ])
    func listRejects(text: String, problem: String) throws {
        let error = #expect(throws: FormatError.self) { try EndpointList(parsing: text) }
        #expect(error?.problem == problem)
    }

    @Test("EndpointList encodes as one string and decodes from it")
    func listCodable() throws {
        let list = try EndpointList(parsing: "[::1]:5432,db:5433")
        let encoded = try JSONValueEncoder().encode(list)
        #expect(encoded == .string("[::1]:5432,db:5433"))
        #expect(try JSONValueDecoder().decode(EndpointList.self, from: encoded) == list)
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(EndpointList.self, from: .string("db:0")) }
    }
}
