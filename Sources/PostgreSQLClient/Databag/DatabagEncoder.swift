import JujuJSON

/// Writes an `Encodable` model as a ``Databag``.
///
/// - `String` values as they are; `""` leaves the key out (Juju deletes such keys).
/// - `Bool` spelled per ``boolSpelling`` (with per-key ``boolSpellingOverrides``).
/// - Integers and floating-point values as decimal text.
/// - `nil` optionals: the key is left out.
/// - Any other value: if it encodes as a single string (``EndpointList``, ``SecretURI``, enums
///   with string raw values) that string; otherwise lists and dictionaries as JSON text in
///   Python's `json.dumps` style, byte-compatible with `data_interfaces`.
public struct DatabagEncoder: Sendable {
    public var keyStrategy: DatabagKeyStrategy
    public var boolSpelling: BoolSpelling
    /// Per databag key spellings that win over ``boolSpelling``.
    public var boolSpellingOverrides: [String: BoolSpelling]
    /// The style of JSON-in-string values.
    public var jsonStyle: JSONStyle
    /// Keys whose `Bool` is written only when `true` (`false` leaves the key out), as
    /// `data_interfaces` does for `subordinated` and `external-node-connectivity`.
    public var omitFalseKeys: Set<String> = []

    public init(
        keyStrategy: DatabagKeyStrategy = .convertToKebabCase, boolSpelling: BoolSpelling = .python,
        boolSpellingOverrides: [String: BoolSpelling] = [:], jsonStyle: JSONStyle = .python
    ) {
        self.keyStrategy = keyStrategy
        self.boolSpelling = boolSpelling
        self.boolSpellingOverrides = boolSpellingOverrides
        self.jsonStyle = jsonStyle
    }

    /// Encodes `value`, which must encode as a keyed container (a struct or class).
    public func encode<T: Encodable>(_ value: T) throws -> Databag {
        let encoder = TopEncoder(options: self)
        try value.encode(to: encoder)
        guard encoder.usedKeyedContainer else {
            throw DatabagError(.unsupportedValue, reason: "\(T.self) does not encode as keyed fields; a databag needs a struct")
        }
        return encoder.bag
    }

    /// The string a field value is written as, or `nil` when the key is to be left out.
    func text<T: Encodable>(for value: T, key: String) throws -> String? {
        switch value {
        case let v as String: return v.isEmpty ? nil : v
        case let v as Bool:
            if !v, omitFalseKeys.contains(key) { return nil }
            return (boolSpellingOverrides[key] ?? boolSpelling).spell(v)
        case let v as Int: return String(v)
        case let v as Int64: return String(v)
        case let v as Int32: return String(v)
        case let v as UInt: return String(v)
        case let v as UInt64: return String(v)
        case let v as UInt16: return String(v)
        case let v as Double: return "\(v)"
        default:
            let json = try JSONValueEncoder().encode(value)
            switch json {
            case .string(let s): return s.isEmpty ? nil : s
            case .null: return nil
            case .bool(let b): return (boolSpellingOverrides[key] ?? boolSpelling).spell(b)
            case .number(let n): return n.text
            default: return json.serialized(style: jsonStyle)
            }
        }
    }
}

private final class TopEncoder: Encoder {
    let options: DatabagEncoder
    var bag = Databag()
    var usedKeyedContainer = false
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(options: DatabagEncoder) {
        self.options = options
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        usedKeyedContainer = true
        return KeyedEncodingContainer(FieldContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        preconditionFailure("a databag model encodes keyed fields only")
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        preconditionFailure("a databag model encodes keyed fields only")
    }
}

private struct FieldContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: TopEncoder
    var codingPath: [any CodingKey] { [] }

    private func key(_ key: Key) -> String { encoder.options.keyStrategy.databagKey(for: key.stringValue) }

    mutating func encodeNil(forKey key: Key) throws { encoder.bag[self.key(key)] = nil }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let name = self.key(key)
        encoder.bag[name] = try encoder.options.text(for: value, key: name)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        preconditionFailure("nested containers are written as JSON values: give the field a Codable type")
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        preconditionFailure("nested containers are written as JSON values: give the field a Codable type")
    }

    mutating func superEncoder() -> any Encoder { encoder }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder }
}
