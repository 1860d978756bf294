extension PostgresAllocator: CustomStringConvertible, CustomReflectable {
    /// The server and administrator, the administrator's password masked.
    public var description: String {
        "PostgresAllocator(\(adminUser)\(adminPassword == nil ? "" : ":<masked>")@\(host):\(port)/\(adminDatabase))"
    }

    /// `dump` and debuggers see the allocator without the administrator's password.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "host": host, "port": port, "adminUser": adminUser, "adminPassword": adminPassword == nil ? "nil" : "<masked>",
            "adminDatabase": adminDatabase,
        ], displayStyle: .struct)
    }
}
