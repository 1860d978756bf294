/// The keys of a remote bag that were added, changed or deleted since the last snapshot.
///
/// Values are compared by their Unicode scalars (as Python compares strings), not by Swift's
/// canonical equivalence, so a change from NFC to NFD text is a change.
public struct DatabagDiff: Sendable, Hashable {
    public var added: Set<String>
    public var changed: Set<String>
    public var deleted: Set<String>

    public init(added: Set<String> = [], changed: Set<String> = [], deleted: Set<String> = []) {
        self.added = added
        self.changed = changed
        self.deleted = deleted
    }

    /// Compares `new` against the `old` snapshot; both without their `data` key.
    public init(old: [String: String], new: [String: String]) {
        added = Set(new.keys.filter { old[$0] == nil })
        deleted = Set(old.keys.filter { new[$0] == nil })
        changed = Set(new.keys.filter { key in
            guard let before = old[key] else { return false }
            return !before.unicodeScalars.elementsEqual(new[key]!.unicodeScalars)
        })
    }

    /// Added or changed.
    public func touched(_ key: String) -> Bool { added.contains(key) || changed.contains(key) }
}

extension Databag {
    /// The bag without its own `data` key, as the snapshot stores it.
    var withoutSnapshot: [String: String] {
        var copy = values
        copy.removeValue(forKey: "data")
        return copy
    }

    /// The snapshot stored under `data`, or `nil` when it is absent; `.some(nil)` when corrupt:
    /// not a JSON object of strings, or one that holds a `data` key of its own (a snapshot never
    /// does: REQU-DATA-SNAPSHOT, PROV-DATA-SNAPSHOT).
    func storedSnapshot() -> [String: String]?? {
        guard let text = values["data"] else { return .none }
        guard let snapshot = Databag.snapshot(from: text)?.values, snapshot["data"] == nil else { return .some(nil) }
        return .some(snapshot)
    }
}
