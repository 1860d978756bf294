import JujuJSON
import PostgreSQLClient

/// A conformance vector, format `pgclient-vector/0` (`Specs/vector-format.md`).
public struct ConformanceVector: Sendable, Hashable {
    public static let format = "pgclient-vector/0"

    public var name: String
    public var spec: [String]
    public var side: RelationSide
    public var jujuVersion: JujuVersion
    public var leader: Bool
    public var localApp: String
    public var localUnit: String
    public var library: Library
    public var relation: Relation
    public var secrets: [Secret]
    public var steps: [Step]

    /// Constructor arguments of the library on the vector's side.
    public struct Library: Sendable, Hashable {
        public var relationName: String
        public var databaseName: String?
        public var extraUserRoles: String?
        public var extraGroupRoles: String?
        public var additionalSecretFields: [String]
        public var externalNodeConnectivity: Bool
        public var relationsAliases: [String]?
        public var entityType: String?
        public var entityPermissions: String?
        public var prefixMatching: String?
        public var requestedEntitySecret: String?
    }

    public struct Relation: Sendable, Hashable {
        public var id: Int
        public var endpoint: String
        public var interface: String
        public var remoteApp: String
        public var localAppData: Databag
        public var localUnitData: Databag
        public var remoteAppData: Databag
        public var remoteUnitsData: [String: Databag]
    }

    public struct Secret: Sendable, Hashable {
        public var id: String
        public var ownerIsLocal: Bool
        public var label: String?
        public var revision: Int
        public var contents: [String: String]
    }

    public struct CharmCall: Sendable, Hashable {
        public var call: String
        public var args: [String: JSONValue]
    }

    public struct CharmHandler: Sendable, Hashable {
        public var on: String
        public var calls: [CharmCall]
    }

    public struct ExpectedEvent: Sendable, Hashable {
        public var name: String
        public var fields: [String: JSONValue]
    }

    public struct ExpectedSecret: Sendable, Hashable {
        public var field: String
        public var contents: [String: String]
    }

    public struct Expectation: Sendable, Hashable {
        public var events: [ExpectedEvent]
        public var localAppData: Databag?
        public var localUnitData: Databag?
        public var secrets: [ExpectedSecret]
        public var error: String?
    }

    public struct Step: Sendable, Hashable {
        public var hook: String
        public var remoteUnit: String?
        public var secretID: String?
        public var setRemoteAppData: Databag?
        public var setRemoteUnitsData: [String: Databag]?
        public var setSecrets: [Secret]?
        public var leader: Bool?
        public var charm: [CharmHandler]
        public var expect: Expectation
    }

    public static let hooks: Set<String> = [
        "relation-created", "relation-joined", "relation-changed", "relation-departed", "relation-broken",
        "secret-changed", "leader-elected",
    ]
}

/// A vector file that cannot be used: not JSON, wrong format, a missing or mistyped field.
/// The message names the file and the field.
public struct VectorLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var field: String
    public var problem: String
    public var description: String { "\(file): \(field): \(problem)" }
}
