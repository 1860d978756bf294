import JujuJSON

extension Databag {
    /// The snapshot `data_interfaces` keeps of the other side's application bag under the key
    /// `data`: that bag without its own `data` key, as Python's `json.dumps` writes it (keys in
    /// the UTF-8 order Juju's `relation-get` returns them).
    public func snapshotText() -> String {
        var members = values
        members.removeValue(forKey: "data")
        return JSONValue.object(members.mapValues { .string($0) }).serialized(style: .python)
    }

    /// Reads a `data` snapshot back. `nil` when `text` is not a JSON object of strings.
    public static func snapshot(from text: String) -> Databag? {
        guard let value = try? JSONParser().parse(text), let members = value.stringDictionary else { return nil }
        return Databag(members)
    }
}
