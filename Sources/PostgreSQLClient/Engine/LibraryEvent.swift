import JujuJSON

/// An event the library emits to the charm, named as `data_interfaces` names it
/// (`database_created`, `endpoints_changed`, `database_requested`, ...).
///
/// `fields` are the event's attributes as Python exposes them (`username`, `endpoints`,
/// `prefix_databases`, ...). ``description`` masks passwords.
public struct LibraryEvent: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
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

    /// A field's value as printed: `<masked>` for ``maskedFields``, else its JSON.
    func shown(_ key: String) -> String {
        let value = fields[key]!
        return Self.maskedFields.contains(key) && !value.isNull ? "<masked>" : value.serialized()
    }

    public var description: String {
        let shown = fields.keys.sorted().map { "\($0): \(self.shown($0))" }
        return "\(name)(relation \(relationID)\(shown.isEmpty ? "" : ", " + shown.joined(separator: ", ")))"
    }

    /// `dump` and debuggers see the fields as printed, passwords and URIs masked.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "relationID": relationID, "fields": Dictionary(uniqueKeysWithValues: fields.keys.map { ($0, shown($0)) })],
               displayStyle: .struct)
    }
}
