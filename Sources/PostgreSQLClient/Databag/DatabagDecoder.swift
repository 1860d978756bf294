import JujuJSON

/// Reads a `Decodable` model from a ``Databag``.
///
/// The reverse of ``DatabagEncoder``: `Bool` from `true`/`false` in any letter case, numbers
/// from decimal text, values of types that decode from a single string from the string itself,
/// and lists and objects from the JSON text in the string. Absent keys decode as `nil`.
/// Errors are ``DatabagError``s naming the field; they never include the value of a sensitive
/// field (``SensitiveFields``).
public struct DatabagDecoder: Sendable {
    public var keyStrategy: DatabagKeyStrategy

    public init(keyStrategy: DatabagKeyStrategy = .convertToKebabCase) {
        self.keyStrategy = keyStrategy
    }

    public func decode<T: Decodable>(_ type: T.Type, from bag: Databag) throws -> T {
        try T(from: TopDecoder(bag: bag, options: self))
    }

    func value<T: Decodable>(_ type: T.Type, from text: String, key: String) throws -> T {
        func invalid(_ reason: String) -> DatabagError {
            // Messages about sensitive fields may quote the value (or part of a URI): drop them.
            let shown = SensitiveFields.isSensitive(key) ? "the value does not have the expected format (not shown: sensitive field)" : reason
            return DatabagError(.invalidValue, field: key, reason: shown)
        }
        if T.self == String.self { return text as! T }
        if T.self == Bool.self {
            guard let b = BoolSpelling.parse(text) else { throw invalid("expected true or false (any letter case)") }
            return b as! T
        }
        if let integer = StandardIntegers.integerType(T.self) {  // not a protocol cast: see StandardIntegers
            guard let v = integer.init(text, radix: 10) else { throw invalid("expected a whole number that fits \(T.self)") }
            return v as! T
        }
        if T.self == Double.self {
            guard let v = Double(text) else { throw invalid("expected a number") }
            return v as! T
        }
        // First as a string-backed value (EndpointList, SecretURI, string enums...).
        do {
            return try JSONValueDecoder().decode(T.self, from: .string(text))
        } catch let error as JSONError where error.code == .typeMismatch && error.path.isEmpty {
            // The type wants a list or an object: the string carries JSON text.
        } catch let error as DecodingError {
            throw invalid(Self.describe(error))
        } catch let error as JSONError {
            throw invalid(error.reason)
        }
        let json: JSONValue
        do {
            json = try JSONParser().parse(text)
        } catch let error as JSONError {
            throw invalid("expected JSON text inside the string (\(error.description))")
        }
        do {
            return try JSONValueDecoder().decode(T.self, from: json)
        } catch let error as JSONError {
            let at = error.path.isEmpty ? "" : " at \(error.path.joined(separator: "."))"
            throw invalid("JSON value\(at): \(error.reason)")
        } catch let error as DecodingError {
            throw invalid(Self.describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
            .keyNotFound(_, let context):
            return context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

private struct TopDecoder: Decoder {
    let bag: Databag
    let options: DatabagDecoder
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(FieldContainer<Key>(bag: bag, options: options))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DatabagError(.unsupportedValue, reason: "a databag model decodes keyed fields only")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DatabagError(.unsupportedValue, reason: "a databag model decodes keyed fields only")
    }
}

private struct FieldContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let bag: Databag
    let options: DatabagDecoder
    var codingPath: [any CodingKey] { [] }

    private func name(_ key: Key) -> String { options.keyStrategy.databagKey(for: key.stringValue) }

    var allKeys: [Key] { bag.values.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { !(bag[name(key)]?.isEmpty ?? true) }

    func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let field = name(key)
        guard let text = bag[field], !text.isEmpty else {
            throw DatabagError(.missingField, field: field, reason: "required field is absent")
        }
        return try options.value(type, from: text, key: field)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw DatabagError(.unsupportedValue, field: name(key), reason: "give the field a Codable type; nested containers are JSON values")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DatabagError(.unsupportedValue, field: name(key), reason: "give the field a Codable type; nested containers are JSON values")
    }

    func superDecoder() throws -> any Decoder { TopDecoder(bag: bag, options: options) }
    func superDecoder(forKey key: Key) throws -> any Decoder { TopDecoder(bag: bag, options: options) }
}
