import PostgreSQLClient

// A snapshot is the wire form of the model (its JSON holds passwords, as Juju's does); printed,
// its bags are masked as ``Databag`` masks them and its secrets' values are masked whole.

extension InMemoryJuju.Snapshot.RelationRecord: CustomStringConvertible, CustomReflectable {
    /// The value with passwords and secret values masked.
    public var description: String {
        "RelationRecord(\(id), \(interface), apps: \(apps), appBags: \(appBags.mapValues { Databag($0) }), unitBags: \(unitBags.mapValues { Databag($0) }))"
    }

    /// What `dump` and debuggers see: the same fields, passwords and secret values masked.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "id": id, "interface": interface, "endpoints": endpoints, "apps": apps, "units": units,
            "appBags": appBags.mapValues { Databag($0) }, "unitBags": unitBags.mapValues { Databag($0) },
        ], displayStyle: .struct)
    }
}

extension InMemoryJuju.Snapshot.SecretRecord: CustomDebugStringConvertible, CustomReflectable {
    /// (`description` is the secret's metadata, so the masked text is the debug description,
    /// which `String(describing:)` also uses.)
    public var debugDescription: String {
        "SecretRecord(\(id), owner: \(owner), revisions: \(revisions.map(SensitiveFields.maskedContent)), grants: \(grants))"
    }

    /// What `dump` and debuggers see: the same fields, passwords and secret values masked.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "id": id, "owner": owner, "ownerLabel": ownerLabel as Any, "consumerLabels": consumerLabels,
            "revisions": revisions.map(SensitiveFields.maskedContentMirror), "grants": grants, "tracked": tracked,
            "description": description as Any, "expire": expire as Any, "rotate": rotate as Any,
        ], displayStyle: .struct)
    }
}
