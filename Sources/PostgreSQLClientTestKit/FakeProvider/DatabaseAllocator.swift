/// Where a fake provider creates what a relation asks for: users, passwords, databases.
///
/// ``InMemoryAllocator`` keeps them in memory; the `PostgreSQLClientPostgres` product's
/// `PostgresAllocator` creates real roles and databases on a PostgreSQL server. Both follow
/// what postgresql-k8s does (see `Specs/fake-provider.md`).
public protocol DatabaseAllocator: Sendable {
    /// Creates the relation's user (or replaces its password if it exists) with the given extra
    /// roles, creates the database if it does not exist, grants the user all privileges on it
    /// and revokes the default access of PUBLIC.
    func allocate(_ request: AllocationRequest) async throws(AllocationError)
    /// Gives an existing user a new password.
    func rotatePassword(user: String, password: String) async throws(AllocationError)
    /// Drops the user (what it owned is reassigned to the administrator first); databases stay,
    /// as postgresql-k8s keeps them.
    func revoke(user: String) async throws(AllocationError)
    /// Existing databases whose names start with `prefix`, sorted.
    func databases(withPrefix prefix: String) async throws(AllocationError) -> [String]
    /// Role names accepted in `extra-user-roles` besides the privileges (`createdb`,
    /// `createrole`, `superuser`): the roles that exist on the server.
    func existingRoles() async throws(AllocationError) -> Set<String>
}

/// One relation's user and database.
public struct AllocationRequest: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public var relationID: Int
    /// `relation_id_<id>`, as postgresql-k8s names it.
    public var user: String
    public var password: String
    public var database: String
    /// Privileges (`createdb`, `createrole`, `superuser`) and roles to grant, lower-cased.
    public var extraRoles: [String]

    public init(relationID: Int, user: String, password: String, database: String, extraRoles: [String] = []) {
        self.relationID = relationID
        self.user = user
        self.password = password
        self.database = database
        self.extraRoles = extraRoles
    }

    public var description: String { "AllocationRequest(relation \(relationID), user \(user), password <masked>, database \(database), roles \(extraRoles))" }

    /// `dump` and debuggers see the request with the password masked.
    public var customMirror: Mirror {
        Mirror(self, children: ["relationID": relationID, "user": user, "password": "<masked>", "database": database, "extraRoles": extraRoles],
               displayStyle: .struct)
    }
}

/// Why an allocation failed. Messages never contain a password.
public struct AllocationError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        /// A name that cannot be a PostgreSQL identifier (empty, too long, NUL, control chars).
        public static let invalidName = Code(rawValue: "allocation-invalid-name")
        /// An extra role that is neither a known privilege nor an existing role.
        public static let invalidRole = Code(rawValue: "allocation-invalid-role")
        /// The user does not exist.
        public static let unknownUser = Code(rawValue: "allocation-unknown-user")
        /// The server refused or could not be reached.
        public static let server = Code(rawValue: "allocation-server")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
