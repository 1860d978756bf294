extension ThrowawayPostgres: CustomStringConvertible, CustomReflectable {
    /// Where the server listens and as whom, the administrator's password masked.
    public var description: String {
        "ThrowawayPostgres(\(adminUser):<masked>@\(host):\(port), \(serverVersion), \(directory))"
    }

    /// `dump` and debuggers see the server without the administrator's password.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "host": host, "port": port, "adminUser": adminUser, "adminPassword": "<masked>", "directory": directory,
            "binDirectory": binDirectory, "serverVersion": serverVersion,
        ], displayStyle: .class)
    }
}
