import JujuJSON
import PostgreSQLClient

// Vectors carry passwords and secret contents (they are test data for the wire); printed, those
// are masked. Bags are ``Databag``s, which mask themselves.

extension ConformanceVector.Secret: CustomStringConvertible, CustomReflectable {
    /// The value with passwords and secret values masked.
    public var description: String {
        "Secret(\(id), \(ownerIsLocal ? "local" : "remote"), revision \(revision), contents: \(SensitiveFields.maskedContent(contents)))"
    }

    /// What `dump` and debuggers see: the same fields, passwords and secret values masked.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "id": id, "ownerIsLocal": ownerIsLocal, "label": label as Any, "revision": revision,
            "contents": SensitiveFields.maskedContentMirror(contents),
        ], displayStyle: .struct)
    }
}

extension ConformanceVector.ExpectedSecret: CustomStringConvertible, CustomReflectable {
    /// The value with passwords and secret values masked.
    public var description: String { "ExpectedSecret(\(field), contents: \(SensitiveFields.maskedContent(contents)))" }

    /// What `dump` and debuggers see: the same fields, passwords and secret values masked.
    public var customMirror: Mirror {
        Mirror(self, children: ["field": field, "contents": SensitiveFields.maskedContentMirror(contents)], displayStyle: .struct)
    }
}

extension ConformanceVector.CharmCall: CustomStringConvertible, CustomReflectable {
    /// Arguments that are passwords or URIs (`password`, `entity_password`, `uris`, ...) masked.
    var shownArgs: [String: String] {
        Dictionary(uniqueKeysWithValues: args.map { key, value in
            let masked = (LibraryEvent.maskedFields.contains(key) || SensitiveFields.isSensitive(key)) && !value.isNull
            return (key, masked ? "<masked>" : value.serialized())
        })
    }

    /// The value with passwords and secret values masked.
    public var description: String {
        "\(call)(" + shownArgs.keys.sorted().map { "\($0): \(shownArgs[$0]!)" }.joined(separator: ", ") + ")"
    }

    /// What `dump` and debuggers see: the same fields, passwords and secret values masked.
    public var customMirror: Mirror { Mirror(self, children: ["call": call, "args": shownArgs], displayStyle: .struct) }
}

extension ConformanceVector.ExpectedEvent: CustomStringConvertible, CustomReflectable {
    /// The value with passwords and secret values masked.
    public var description: String { LibraryEvent(name: name, relationID: 0, fields: fields).description }

    /// What `dump` and debuggers see: the same fields, passwords and secret values masked.
    public var customMirror: Mirror {
        Mirror(self, children: LibraryEvent(name: name, relationID: 0, fields: fields).customMirror.children.filter { $0.label != "relationID" },
               displayStyle: .struct)
    }
}
