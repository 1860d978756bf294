import JujuJSON

/// One Juju relation databag: string keys to string values, as Juju keeps it.
///
/// Setting a key to `""` (or `nil`) deletes it, as `relation-set key=` does in Juju. A bag read
/// from the wire may still hold `""` values if a tool wrote them; ``DatabagValidator`` reports them.
/// ``description`` masks the values of sensitive keys (``SensitiveFields``).
public struct Databag: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// The raw contents.
    public private(set) var values: [String: String]

    /// Wraps raw contents as they are (empty values are kept so they can be reported).
    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.values = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// Parses a JSON object of strings (what `relation-get --format=json` prints).
    /// - Throws: ``DatabagError`` with code `.notJSON`, `.notAnObject` or `.valueNotString`
    ///   (rule `BAG-VALUE-STRING`, naming the key).
    public init(json text: String) throws(DatabagError) {
        let value: JSONValue
        do {
            value = try JSONParser().parse(text)
        } catch let error as JSONError {
            throw DatabagError(.notJSON, reason: error.description)
        } catch {
            throw DatabagError(.notJSON, reason: "\(error)")
        }
        try self.init(jsonValue: value)
    }

    /// Takes a parsed JSON object whose values must all be strings.
    public init(jsonValue value: JSONValue) throws(DatabagError) {
        guard case .object(let members) = value else {
            throw DatabagError(.notAnObject, reason: "a databag is a JSON object, found \(value.kindName)")
        }
        var result: [String: String] = [:]
        for key in members.keys.sorted(by: JSONValue.utf8Precedes) {
            guard case .string(let s) = members[key]! else {
                throw DatabagError(
                    .valueNotString, field: key, rule: .bagValueString,
                    reason: "value is a \(members[key]!.kindName); every databag value is a string (JSON text inside a string for lists and objects)")
            }
            result[key] = s
        }
        self.values = result
    }

    /// The value of `key`. Setting `nil` or `""` deletes the key.
    public subscript(key: String) -> String? {
        get { values[key] }
        set {
            if let newValue, !newValue.isEmpty {
                values[key] = newValue
            } else {
                values.removeValue(forKey: key)
            }
        }
    }

    /// Applies `changes` with Juju's rules: `""` deletes a key.
    public mutating func update(_ changes: [String: String]) {
        for (key, value) in changes { self[key] = value }
    }

    /// Keys in UTF-8 byte order.
    public var sortedKeys: [String] { values.keys.sorted(by: JSONValue.utf8Precedes) }
    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }

    public func makeIterator() -> Dictionary<String, String>.Iterator { values.makeIterator() }

    /// The bag as a JSON object of strings.
    public var jsonValue: JSONValue { .object(values.mapValues { .string($0) }) }

    /// The bag as JSON text.
    public func json(style: JSONStyle = .compact) -> String { jsonValue.serialized(style: style) }

    /// The bag with sensitive values masked, keys sorted.
    public var description: String {
        "[" + sortedKeys.map { key in "\(key): \(SensitiveFields.display(key: key, value: values[key]!))" }.joined(separator: ", ") + "]"
    }

    public var debugDescription: String { "Databag(\(description))" }
}

extension Databag: CustomReflectable {
    /// `dump` and debuggers see keys with sensitive values masked.
    public var customMirror: Mirror {
        Mirror(self, children: sortedKeys.map { (label: $0, value: SensitiveFields.display(key: $0, value: values[$0]!) as Any) },
               displayStyle: .dictionary)
    }
}

/// Fields whose values are never printed: passwords, URIs that embed them, secret contents, and
/// the `data` snapshot (which holds the other side's bag, passwords included under Juju 2.9).
public enum SensitiveFields {
    public static let keys: Set<String> = [
        "password", "entity-password", "uris", "read-only-uris", "data", "encryption-key", "tls-key", "mtls-cert",
    ]

    /// Whether values of `key` must not be shown.
    public static func isSensitive(_ key: String) -> Bool { keys.contains(key) }

    /// `"value"` for ordinary keys, `<masked, N bytes>` for sensitive ones.
    public static func display(key: String, value: String) -> String {
        isSensitive(key) ? "<masked, \(value.utf8.count) bytes>" : quoted(value, limit: 80)
    }
}
