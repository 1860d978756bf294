/// A Juju secret URI: `secret:<id>` or `secret://<model-uuid>/<id>`, where `<id>` is a 20-character
/// xid in base32hex (`0-9a-v`).
public struct SecretURI: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The model UUID, when the URI names one.
    public let modelUUID: String?
    /// The 20-character secret id.
    public let id: String

    public init(parsing text: String) throws(FormatError) {
        let expected = "secret:<20 characters of 0-9a-v> or secret://<model uuid>/<id>"
        if text.hasPrefix("secret://") {
            let rest = text.dropFirst("secret://".count)
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, Self.isUUID(parts[0]), Self.isXID(parts[1]) else {
                throw FormatError(problem: "\(quoted(text)) is not a secret URI", expected: expected)
            }
            self.modelUUID = String(parts[0])
            self.id = String(parts[1])
        } else if text.hasPrefix("secret:") {
            let rest = text.dropFirst("secret:".count)
            guard Self.isXID(rest) else {
                throw FormatError(problem: "\(quoted(text)) is not a secret URI", expected: expected)
            }
            self.modelUUID = nil
            self.id = String(rest)
        } else {
            throw FormatError(problem: "\(quoted(text)) does not start with secret:", expected: expected)
        }
    }

    public var description: String {
        modelUUID.map { "secret://\($0)/\(id)" } ?? "secret:\(id)"
    }

    static func isXID(_ text: Substring) -> Bool {
        text.utf8.count == 20 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x76) }
    }

    static func isUUID(_ text: Substring) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) } }
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
        try container.encode(description)
    }
}

/// Juju's rule for secret content keys (and so for `requested-secrets` items):
/// a lower-case letter, then at least two more of `[a-z0-9]`, single dashes allowed between.
public enum SecretKey {
    public static func isValid(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard bytes.count >= 3, let first = bytes.first, first >= 0x61, first <= 0x7A else { return false }
        var alnumAfterFirst = 0
        var previousDash = false
        for b in bytes.dropFirst() {
            if b == UInt8(ascii: "-") {
                if previousDash { return false }
                previousDash = true
            } else if (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) {
                previousDash = false
                alnumAfterFirst += 1
            } else {
                return false
            }
        }
        return !previousDash && alnumAfterFirst >= 2
    }
}
