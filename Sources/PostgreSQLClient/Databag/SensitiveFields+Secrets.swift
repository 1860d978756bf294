import JujuJSON

extension SensitiveFields {
    /// A secret's content as printed: keys in UTF-8 order, every value masked (nothing in a
    /// secret is for showing, whatever its key).
    public static func maskedContent(_ content: [String: String]) -> String {
        "[" + content.keys.sorted(by: JSONValue.utf8Precedes).map { "\($0): <masked, \(content[$0]!.utf8.count) bytes>" }
            .joined(separator: ", ") + "]"
    }

    /// A secret's content as `dump` and debuggers see it: the keys, each value masked.
    public static func maskedContentMirror(_ content: [String: String]) -> [String: String] {
        content.mapValues { "<masked, \($0.utf8.count) bytes>" }
    }

    /// A `data` snapshot (JSON text of the other side's bag) with its sensitive members'
    /// values replaced by `<masked, N bytes>`, written as JSON again, so a difference in the
    /// other members can still be seen. `nil` when the text is not a JSON object of strings
    /// (then it must be masked whole).
    public static func maskedSnapshot(_ text: String) -> String? {
        guard let bag = try? Databag(json: text) else { return nil }
        var members: [String: JSONValue] = [:]
        for (key, value) in bag.values {
            members[key] = .string(isSensitive(key) ? "<masked, \(value.utf8.count) bytes>" : value)
        }
        return JSONValue.object(members).serialized()
    }
}
