/// One item of `entity-permissions`.
public struct EntityPermission: Codable, Sendable, Hashable {
    public var resourceName: String
    public var resourceType: String
    public var privileges: [String]

    public init(resourceName: String, resourceType: String, privileges: [String]) {
        self.resourceName = resourceName
        self.resourceType = resourceType
        self.privileges = privileges
    }

    enum CodingKeys: String, CodingKey {
        case resourceName = "resource_name"
        case resourceType = "resource_type"
        case privileges
    }
}

/// What kind of custom entity a requirer asks for.
public enum EntityType: String, Codable, Sendable, Hashable, CaseIterable {
    case user = "USER"
    case group = "GROUP"
}
