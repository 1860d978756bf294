/// A comma-separated list of endpoints, as in the `endpoints` and `read-only-endpoints` fields.
///
/// Encodes and decodes as the single string Juju carries (`host1:5432,host2:5432`).
public struct EndpointList: Sendable, Hashable, Codable, CustomStringConvertible, RandomAccessCollection {
    public let endpoints: [Endpoint]

    public init(_ endpoints: [Endpoint]) {
        self.endpoints = endpoints
    }

    /// Parses `host:port[,host:port...]`. Throws on an empty list or item, white space, a missing
    /// or out-of-range port, an IPv6 address without brackets, or a malformed host.
    public init(parsing text: String) throws(FormatError) {
        guard !text.isEmpty else {
            throw FormatError(problem: "empty list", expected: "one or more host:port separated by commas")
        }
        var result: [Endpoint] = []
        for (index, item) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            guard !item.isEmpty else {
                throw FormatError(problem: "item \(index + 1) is empty", expected: "host:port items separated by single commas")
            }
            result.append(try Endpoint(parsing: item))
        }
        self.endpoints = result
    }

    /// Every problem of a list, item by item (``init(parsing:)`` stops at the first).
    public static func problems(in text: String) -> [FormatError] {
        guard !text.isEmpty else {
            return [FormatError(problem: "empty list", expected: "one or more host:port separated by commas")]
        }
        var found: [FormatError] = []
        for (index, item) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            if item.isEmpty {
                found.append(FormatError(problem: "item \(index + 1) is empty", expected: "host:port items separated by single commas"))
                continue
            }
            do {
                _ = try Endpoint(parsing: item)
            } catch {
                found.append(error)
            }
        }
        return found
    }

    /// The wire form.
    public var description: String { endpoints.map(\.description).joined(separator: ",") }

    public var startIndex: Int { endpoints.startIndex }
    public var endIndex: Int { endpoints.endIndex }
    public subscript(position: Int) -> Endpoint { endpoints[position] }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
