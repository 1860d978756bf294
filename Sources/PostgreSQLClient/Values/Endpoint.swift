/// One `host:port` of an `endpoints` or `read-only-endpoints` field.
///
/// Hosts are IPv4 addresses, IPv6 addresses (written in brackets on the wire) or DNS names,
/// which includes Kubernetes service names such as
/// `postgresql-k8s-primary.dev.svc.cluster.local`.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// What kind of host this is.
    public enum HostKind: String, Sendable, Hashable {
        case ipv4, ipv6, name
    }

    /// The host, without brackets for IPv6.
    public let host: String
    public let port: UInt16
    public let hostKind: HostKind

    /// Makes an endpoint, checking the host.
    public init(host: String, port: UInt16) throws(FormatError) {
        guard port > 0 else { throw FormatError(problem: "port 0", expected: "a port from 1 to 65535") }
        self.hostKind = try Endpoint.classify(host[...])
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[ipv6]:port`.
    public init(parsing text: Substring) throws(FormatError) {
        let expected = "host:port, with IPv6 addresses in brackets ([::1]:5432) and a port from 1 to 65535"
        guard !text.isEmpty else { throw FormatError(problem: "empty endpoint", expected: expected) }
        if let space = text.unicodeScalars.first(where: { $0.properties.isWhitespace }) {
            throw FormatError(problem: "white space (U+\(String(space.value, radix: 16, uppercase: true))) in \(quoted(text))", expected: expected)
        }
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw FormatError(problem: "\(quoted(text)) has no closing bracket", expected: expected)
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw FormatError(problem: "\(quoted(text)) has no port", expected: expected)
            }
            portPart = rest.dropFirst()
            guard Endpoint.isIPv6(hostPart) else {
                throw FormatError(problem: "\(quoted(hostPart)) in brackets is not an IPv6 address", expected: expected)
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw FormatError(problem: "\(quoted(text)) has no port", expected: expected)
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart.contains(":") {
                throw FormatError(problem: "IPv6 address \(quoted(text)) is not in brackets", expected: expected)
            }
        }
        guard !portPart.isEmpty else { throw FormatError(problem: "\(quoted(text)) has no port", expected: expected) }
        guard portPart.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), portPart.utf8.count <= 5, let port = Int(portPart),
            (1...65535).contains(port)
        else {
            throw FormatError(problem: "port \(quoted(portPart)) of \(quoted(text)) is not from 1 to 65535", expected: expected)
        }
        let kind: HostKind
        if text.hasPrefix("[") {
            kind = .ipv6
        } else {
            kind = try Endpoint.classify(hostPart)
        }
        self.host = String(hostPart)
        self.port = UInt16(port)
        self.hostKind = kind
    }

    /// `host:port`, with brackets around IPv6 hosts.
    public var description: String {
        hostKind == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    static func classify(_ host: Substring) throws(FormatError) -> HostKind {
        let expected = "an IPv4 address, a bracketed IPv6 address or a DNS name"
        guard !host.isEmpty else { throw FormatError(problem: "empty host", expected: expected) }
        if isIPv6(host) { return .ipv6 }
        if host.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }) {
            guard isIPv4(host) else { throw FormatError(problem: "\(quoted(host)) is not a valid IPv4 address", expected: expected) }
            return .ipv4
        }
        guard isDNSName(host) else { throw FormatError(problem: "\(quoted(host)) is not a valid host name", expected: expected) }
        return .name
    }

    static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                && Int(part)! <= 255 && !(part.count > 1 && part.hasPrefix("0"))
        }
    }

    static func isIPv6(_ text: Substring) -> Bool {
        guard text.contains(":") else { return false }
        /// Counts 16-bit groups in a ':'-separated run; an IPv4 tail counts as two. `nil` if invalid.
        func groups(_ run: Substring, allowIPv4Tail: Bool) -> Int? {
            if run.isEmpty { return 0 }
            let items = run.split(separator: ":", omittingEmptySubsequences: false)
            var count = 0
            for (index, item) in items.enumerated() {
                if allowIPv4Tail, index == items.count - 1, item.contains(".") {
                    guard isIPv4(item) else { return nil }
                    count += 2
                    continue
                }
                guard !item.isEmpty, item.utf8.count <= 4, item.utf8.allSatisfy({ isHex($0) }) else { return nil }
                count += 1
            }
            return count
        }
        let bytes = Array(text.utf8)
        var doubleColon: Int?
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: ":") {
                if doubleColon != nil { return false }
                doubleColon = i
                i += 2
                continue
            }
            i += 1
        }
        guard let split = doubleColon else {
            return groups(text, allowIPv4Tail: true) == 8
        }
        let headEnd = text.utf8.index(text.startIndex, offsetBy: split)
        let tailStart = text.utf8.index(headEnd, offsetBy: 2)
        guard let head = groups(text[text.startIndex..<headEnd], allowIPv4Tail: false),
            let tail = groups(text[tailStart...], allowIPv4Tail: true)
        else { return false }
        return head + tail <= 7
    }

    static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    static func isDNSName(_ text: Substring) -> Bool {
        guard text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            // A single trailing dot (absolute name) is fine.
            if label.isEmpty && index == labels.count - 1 && labels.count > 1 { continue }
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
            guard label.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == UInt8(ascii: "-") }) else {
                return false
            }
        }
        return true
    }
}
