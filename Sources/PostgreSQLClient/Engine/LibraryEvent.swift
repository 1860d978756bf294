import JujuJSON

/// An event the library emits to the charm, named as `data_interfaces` names it
/// (`database_created`, `endpoints_changed`, `database_requested`, ...).
///
/// `fields` are the event's attributes as Python exposes them (`username`, `endpoints`,
/// `prefix_databases`, ...). ``description`` masks passwords.
public struct LibraryEvent: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var relationID: Int
    public var fields: [String: JSONValue]

    public init(name: String, relationID: Int, fields: [String: JSONValue] = [:]) {
        self.name = name
        self.relationID = relationID
        self.fields = fields
    }

    /// A string attribute, `nil` when absent or null.
    public func string(_ field: String) -> String? { fields[field]?.stringValue }

    /// Event attributes whose values are never printed.
    public static let maskedFields: Set<String> = ["password", "entity_password", "uris", "read_only_uris"]

    public var description: String {
        let shown = fields.keys.sorted().map { key -> String in
            let value = fields[key]!
            if Self.maskedFields.contains(key), !value.isNull { return "\(key): <masked>" }
            return "\(key): \(value.serialized())"
        }
        return "\(name)(relation \(relationID)\(shown.isEmpty ? "" : ", " + shown.joined(separator: ", ")))"
    }
}
