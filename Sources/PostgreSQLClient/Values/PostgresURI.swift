/// A libpq connection URI, as in the `uris` and `read-only-uris` fields:
/// `postgresql://user:password@host1:5432,host2:5432/dbname?sslmode=require`.
///
/// User, password, database and parameters are percent-decoded when parsed and percent-encoded
/// when built. ``description`` masks the password, so a URI can be logged.
public struct PostgresURI: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// One host of a (possibly multi-host) URI; `port` is `nil` when the URI leaves it to libpq.
    public struct Host: Sendable, Hashable {
        public var host: String
        public var port: UInt16?
        public init(host: String, port: UInt16? = nil) {
            self.host = host
            self.port = port
        }
    }

    public var scheme: String
    public var user: String?
    public var password: String?
    public var hosts: [Host]
    public var database: String?
    /// Query parameters in their order.
    public var parameters: [(key: String, value: String)]

    public init(
        user: String? = nil, password: String? = nil, hosts: [Host], database: String? = nil,
        parameters: [(key: String, value: String)] = [], scheme: String = "postgresql"
    ) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.hosts = hosts
        self.database = database
        self.parameters = parameters
    }

    /// The URI text, percent-encoding user, password, database and parameters.
    public var string: String { render(maskPassword: false) }

    /// The URI with the password replaced by `***`: safe to print.
    public var description: String { render(maskPassword: true) }
    public var debugDescription: String { "PostgresURI(\(render(maskPassword: true)))" }

    func render(maskPassword: Bool) -> String {
        var text = scheme + "://"
        if let user {
            text += Self.percentEncode(user)
            if let password { text += ":" + (maskPassword ? "***" : Self.percentEncode(password)) }
            text += "@"
        }
        text += hosts.map { host in
            let name = host.host.contains(":") ? "[\(host.host)]" : host.host
            return host.port.map { "\(name):\($0)" } ?? name
        }.joined(separator: ",")
        if let database { text += "/" + Self.percentEncode(database) }
        if !parameters.isEmpty {
            text += "?" + parameters.map { Self.percentEncode($0.key) + "=" + Self.percentEncode($0.value) }.joined(separator: "&")
        }
        return text
    }

    /// Parses a URI. Error messages never repeat the user information (it holds the password).
    public init(parsing text: String) throws(FormatError) {
        let expected = "postgresql://[user[:password]@]host[:port][,host[:port]...][/database][?key=value&...]"
        let prefixes = ["postgresql://", "postgres://"]
        guard let prefix = prefixes.first(where: { text.hasPrefix($0) }) else {
            throw FormatError(problem: "scheme is not postgresql:// or postgres://", expected: expected)
        }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.isControl }) {
            throw FormatError(problem: "white space or a control character in the URI", expected: expected)
        }
        self.scheme = String(prefix.dropLast(3))
        var rest = text.dropFirst(prefix.count)
        // As libpq does: user information runs to the first '@' met before any '/'. Characters
        // such as '?', ':' or '/' inside a password must be percent-encoded.
        if let stop = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[stop] == "@" {
            let userinfo = rest[..<stop]
            rest = rest[rest.index(after: stop)...]
            if let colon = userinfo.firstIndex(of: ":") {
                self.user = try Self.percentDecode(userinfo[..<colon], part: "user")
                self.password = try Self.percentDecode(userinfo[userinfo.index(after: colon)...], part: "password")
            } else {
                self.user = try Self.percentDecode(userinfo, part: "user")
                self.password = nil
            }
        } else {
            self.user = nil
            self.password = nil
        }
        if rest.contains("@") {
            throw FormatError(problem: "an '@' that is not percent-encoded in the user information", expected: "%40 for '@' in a user name or password")
        }
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var pathPart: Substring?
        if let slash = rest.firstIndex(of: "/") {
            pathPart = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        let hostPart = rest
        guard !hostPart.isEmpty else { throw FormatError(problem: "no host", expected: expected) }
        var hosts: [Host] = []
        for (index, item) in hostPart.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            guard !item.isEmpty else { throw FormatError(problem: "host \(index + 1) is empty", expected: expected) }
            do {
                hosts.append(try Self.parseHost(item))
            } catch {
                // Without a user part ('@' missing), what stands in the host's place may be
                // `user:password`: then the problem must not quote it (found by Fuzz/ databag).
                guard user != nil else {
                    throw FormatError(
                        problem: "host \(index + 1) is not a valid host[:port] (not shown: with no user part before '@', it may hold a password)",
                        expected: expected)
                }
                throw FormatError(problem: "host \(index + 1): \(error.problem)", expected: expected)
            }
        }
        self.hosts = hosts
        if let pathPart, !pathPart.isEmpty {
            self.database = try Self.percentDecode(pathPart, part: "database")
        } else {
            self.database = nil
        }
        var parameters: [(key: String, value: String)] = []
        if let query, !query.isEmpty {
            for (index, pair) in query.split(separator: "&", omittingEmptySubsequences: false).enumerated() {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw FormatError(problem: "query item \(index + 1) is not key=value", expected: expected)
                }
                parameters.append(
                    (try Self.percentDecode(pair[..<equals], part: "parameter"),
                     try Self.percentDecode(pair[pair.index(after: equals)...], part: "parameter")))
            }
        }
        self.parameters = parameters
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`.
    static func parseHost(_ item: Substring) throws(FormatError) -> Host {
        let hasPort: Bool
        if item.hasPrefix("[") {
            hasPort = !item.hasSuffix("]")
        } else {
            hasPort = item.contains(":")
        }
        if hasPort {
            let endpoint = try Endpoint(parsing: item)
            return Host(host: endpoint.host, port: endpoint.port)
        }
        if item.hasPrefix("[") {
            let inner = item.dropFirst().dropLast()
            guard Endpoint.isIPv6(inner) else {
                throw FormatError(problem: "\(quoted(item)) is not a bracketed IPv6 address", expected: "[ipv6]")
            }
            return Host(host: String(inner))
        }
        _ = try Endpoint.classify(item)
        return Host(host: String(item))
    }

    public static func == (lhs: PostgresURI, rhs: PostgresURI) -> Bool {
        lhs.scheme == rhs.scheme && lhs.user == rhs.user && lhs.password == rhs.password && lhs.hosts == rhs.hosts
            && lhs.database == rhs.database && lhs.parameters.map(\.key) == rhs.parameters.map(\.key)
            && lhs.parameters.map(\.value) == rhs.parameters.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(string)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }

    /// Characters kept as they are: RFC 3986 unreserved.
    static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "-")
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters (UTF-8 bytes, upper-case hex).
    public static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            if isUnreserved(b) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes; the result must be valid UTF-8 without NUL.
    public static func percentDecode(_ text: Substring, part: String = "value") throws(FormatError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let b = iterator.next() {
            if b == UInt8(ascii: "%") {
                guard let h = iterator.next(), let l = iterator.next(), Endpoint.isHex(h), Endpoint.isHex(l) else {
                    throw FormatError(problem: "bad percent-encoding in the \(part)", expected: "%XX with two hex digits")
                }
                bytes.append(hexValue(h) << 4 | hexValue(l))
            } else {
                bytes.append(b)
            }
        }
        guard !bytes.contains(0), let decoded = String(validating: bytes, as: UTF8.self) else {
            throw FormatError(problem: "the \(part) does not decode to UTF-8 text without NUL", expected: "percent-encoded UTF-8")
        }
        return decoded
    }

    static func hexValue(_ b: UInt8) -> UInt8 {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        default: return b - 0x61 + 10
        }
    }
}

extension PostgresURI: CustomReflectable {
    /// `dump` and debuggers see the masked URI, never the password.
    public var customMirror: Mirror {
        Mirror(self, children: ["uri": description], displayStyle: .struct)
    }
}
