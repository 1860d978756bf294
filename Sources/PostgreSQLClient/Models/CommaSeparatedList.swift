/// A list carried as comma-separated text, such as `prefix-databases`.
public struct CommaSeparatedList: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var items: [String]

    public init(_ items: [String]) { self.items = items }
    public init(arrayLiteral elements: String...) { self.items = elements }

    /// Splits on commas (empty items are kept, so a validator can report them).
    public init(parsing text: String) {
        self.items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    public var description: String { items.joined(separator: ",") }

    public init(from decoder: any Decoder) throws {
        self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
