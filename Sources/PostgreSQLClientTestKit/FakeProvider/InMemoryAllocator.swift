import Synchronization

/// A ``DatabaseAllocator`` that keeps users, passwords, grants and databases in memory, with
/// PostgreSQL's naming rules. The default for ``FakeProvider``.
public final class InMemoryAllocator: DatabaseAllocator {
    /// What the allocator holds for one user.
    public struct User: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
        public var password: String
        public var roles: [String]
        public var databases: Set<String>

        /// The user with its password masked.
        public var description: String { "User(password: <masked>, roles: \(roles), databases: \(databases.sorted()))" }

        /// What `dump` and debuggers see: the same fields, passwords and secret values masked.
        public var customMirror: Mirror {
            Mirror(self, children: ["password": "<masked>", "roles": roles, "databases": databases.sorted()], displayStyle: .struct)
        }
    }

    struct State {
        var users: [String: User] = [:]
        var databases: Set<String> = ["postgres"]
        var roles: Set<String> = ["admin", "charmed_read", "charmed_dml", "relation_access"]
    }

    let state = Mutex(State())

    public init(existingDatabases: [String] = [], existingRoles: [String] = []) {
        state.withLock {
            $0.databases.formUnion(existingDatabases)
            $0.roles.formUnion(existingRoles)
        }
    }

    /// The users now, for assertions.
    public var users: [String: User] { state.withLock { $0.users } }
    /// The databases now.
    public var databases: Set<String> { state.withLock { $0.databases } }

    /// Whether `user` may log in with `password` and connect to `database`.
    public func canConnect(user: String, password: String, database: String) -> Bool {
        state.withLock { s in
            guard let u = s.users[user], u.password == password else { return false }
            return u.databases.contains(database)
        }
    }

    static func checkName(_ name: String, what: String) throws(AllocationError) {
        guard !name.isEmpty, name.utf8.count <= 63, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw AllocationError(.invalidName, "\(what) is not a PostgreSQL identifier (1 to 63 bytes, no control characters)")
        }
    }

    static let privileges: Set<String> = ["createdb", "createrole", "superuser"]

    public func allocate(_ request: AllocationRequest) async throws(AllocationError) {
        try Self.checkName(request.user, what: "user")
        try Self.checkName(request.database, what: "database")
        try state.withLock { s throws(AllocationError) in
            let unknown = request.extraRoles.filter { !Self.privileges.contains($0) && !s.roles.contains($0) }
            if !unknown.isEmpty {
                throw AllocationError(.invalidRole, "invalid role(s) for extra user roles")
            }
            var user = s.users[request.user] ?? User(password: request.password, roles: request.extraRoles, databases: [])
            user.password = request.password
            user.roles = request.extraRoles
            user.databases.insert(request.database)
            s.users[request.user] = user
            s.databases.insert(request.database)
        }
    }

    public func rotatePassword(user: String, password: String) async throws(AllocationError) {
        try state.withLock { s throws(AllocationError) in
            guard s.users[user] != nil else { throw AllocationError(.unknownUser, "user \(user) does not exist") }
            s.users[user]?.password = password
        }
    }

    public func revoke(user: String) async throws(AllocationError) {
        _ = state.withLock { $0.users.removeValue(forKey: user) }
    }

    public func databases(withPrefix prefix: String) async throws(AllocationError) -> [String] {
        state.withLock { s in s.databases.filter { $0.utf8.starts(with: prefix.utf8) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
    }

    public func existingRoles() async throws(AllocationError) -> Set<String> {
        state.withLock { $0.roles }
    }
}
