/// The standard library's integer types, found by type identity.
///
/// Decoders must know whether a generic `T` is an integer. `T.self as? any FixedWidthInteger.Type`
/// answers that with a dynamic cast to a protocol, which scans every protocol conformance record
/// in the binary the first time it meets each type: in a short-lived hook process that was most
/// of the start-up work (measured with callgrind on `fake-juju-tools`). A lookup by
/// `ObjectIdentifier` costs a hash.
public enum StandardIntegers {
    static let table: [ObjectIdentifier: any FixedWidthInteger.Type] = {
        let types: [any FixedWidthInteger.Type] = [
            Int.self, Int8.self, Int16.self, Int32.self, Int64.self, UInt.self, UInt8.self, UInt16.self, UInt32.self, UInt64.self,
        ]
        return Dictionary(uniqueKeysWithValues: types.map { (ObjectIdentifier($0), $0) })
    }()

    /// `type` as an integer type when it is one of `Int`, `Int8` … `UInt64`; otherwise `nil`.
    public static func integerType<T>(_ type: T.Type) -> (any FixedWidthInteger.Type)? {
        table[ObjectIdentifier(type)]
    }
}
