/// Encodes `Encodable` values into ``JSONValue`` trees.
///
/// Integers and floating-point values become ``JSONNumber``s, `nil` optionals are left out of
/// objects (as `encodeIfPresent` does), and keys are used as given by the coding keys.
public struct JSONValueEncoder: Sendable {
    public init() {}

    /// Encodes `value` into a ``JSONValue``.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let direct = value as? JSONValue { return direct }
        let encoder = ValueEncoder(codingPath: [])
        try value.encode(to: encoder)
        guard let result = encoder.storage.value else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "\(T.self) did not encode any value"))
        }
        return result
    }
}

/// A mutable slot shared between an encoder and its containers.
final class JSONBox {
    enum Content {
        case empty
        case value(JSONValue)
        case object([String: JSONBox])
        case array([JSONBox])
    }

    var content: Content = .empty

    var value: JSONValue? {
        switch content {
        case .empty: return nil
        case .value(let v): return v
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, box) in members {
                if let v = box.value { result[key] = v }
            }
            return .object(result)
        case .array(let elements):
            return .array(elements.map { $0.value ?? .null })
        }
    }
}

private final class ValueEncoder: Encoder {
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any] = [:]
    let storage: JSONBox

    init(codingPath: [any CodingKey], storage: JSONBox = JSONBox()) {
        self.codingPath = codingPath
        self.storage = storage
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = storage.content {} else { storage.content = .object([:]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(box: storage, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = storage.content {} else { storage.content = .array([]) }
        return UnkeyedContainer(box: storage, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(box: storage, codingPath: codingPath)
    }
}

enum Primitive {
    static func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey], into box: JSONBox) throws {
        switch value {
        case let v as JSONValue: box.content = .value(v)
        case let v as String: box.content = .value(.string(v))
        case let v as Bool: box.content = .value(.bool(v))
        case let v as Int: box.content = .value(.number(JSONNumber(v)))
        case let v as Int8: box.content = .value(.number(JSONNumber(v)))
        case let v as Int16: box.content = .value(.number(JSONNumber(v)))
        case let v as Int32: box.content = .value(.number(JSONNumber(v)))
        case let v as Int64: box.content = .value(.number(JSONNumber(v)))
        case let v as UInt: box.content = .value(.number(JSONNumber(v)))
        case let v as UInt8: box.content = .value(.number(JSONNumber(v)))
        case let v as UInt16: box.content = .value(.number(JSONNumber(v)))
        case let v as UInt32: box.content = .value(.number(JSONNumber(v)))
        case let v as UInt64: box.content = .value(.number(JSONNumber(v)))
        case let v as Double: box.content = .value(.number(JSONNumber(v)))
        case let v as Float: box.content = .value(.number(JSONNumber(Double(v))))
        case let v as JSONNumber: box.content = .value(.number(v))
        default:
            try value.encode(to: ValueEncoder(codingPath: codingPath, storage: box))
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONBox
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> JSONBox {
        let child = JSONBox()
        if case .object(var members) = box.content {
            members[key.stringValue] = child
            box.content = .object(members)
        }
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { child(key).content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try Primitive.encode(value, codingPath: codingPath + [key], into: child(key))
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let c = child(key)
        c.content = .object([:])
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: c, codingPath: codingPath + [key]))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let c = child(key)
        c.content = .array([])
        return UnkeyedContainer(box: c, codingPath: codingPath + [key])
    }
    mutating func superEncoder() -> any Encoder {
        ValueEncoder(codingPath: codingPath, storage: child(Key(stringValue: "super")!))
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ValueEncoder(codingPath: codingPath + [key], storage: child(key))
    }
}

struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ index: Int) {
        self.stringValue = String(index)
        self.intValue = index
    }
    init?(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = Int(stringValue)
    }
    init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: JSONBox
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let elements) = box.content { return elements.count }
        return 0
    }

    private func append() -> JSONBox {
        let child = JSONBox()
        if case .array(var elements) = box.content {
            elements.append(child)
            box.content = .array(elements)
        }
        return child
    }

    mutating func encodeNil() throws { append().content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [IndexKey(count)]
        try Primitive.encode(value, codingPath: path, into: append())
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let path = codingPath + [IndexKey(count)]
        let c = append()
        c.content = .object([:])
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: c, codingPath: path))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(count)]
        let c = append()
        c.content = .array([])
        return UnkeyedContainer(box: c, codingPath: path)
    }
    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [IndexKey(count)]
        return ValueEncoder(codingPath: path, storage: append())
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let box: JSONBox
    let codingPath: [any CodingKey]
    mutating func encodeNil() throws { box.content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try Primitive.encode(value, codingPath: codingPath, into: box)
    }
}
