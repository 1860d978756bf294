/// A typed view of one databag of the `postgresql_client` relation.
///
/// Conforming types are plain `Codable` structs whose coding keys are the wire keys; this
/// protocol adds reading from and writing to a ``Databag`` with the right spellings.
public protocol DatabagModel: Codable, Sendable {
    /// Per-key spelling of `Bool` fields when written; keys not listed use ``BoolSpelling/python``.
    static var boolSpellings: [String: BoolSpelling] { get }
    /// Keys whose `Bool` is only written when `true`.
    static var trueOnlyKeys: Set<String> { get }
}

extension DatabagModel {
    public static var boolSpellings: [String: BoolSpelling] { [:] }
    public static var trueOnlyKeys: Set<String> { [] }

    /// Decodes the model from a bag.
    /// - Throws: ``DatabagError`` naming the field (never its value).
    public init(databag: Databag) throws {
        self = try DatabagDecoder().decode(Self.self, from: databag)
    }

    /// Encodes the model as a bag (absent optionals are left out).
    public func databag() throws -> Databag {
        var encoder = DatabagEncoder(boolSpellingOverrides: Self.boolSpellings)
        encoder.omitFalseKeys = Self.trueOnlyKeys
        return try encoder.encode(self)
    }
}
