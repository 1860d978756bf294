/// An exec check: `command` must exit with 0.
public struct ExecCheck: Sendable, Hashable {
    public var command: String
    /// `service-context`: take the environment, user, group and directory of this service.
    public var serviceContext: String
    public var environment: [String: String]
    public var userID: Int?
    public var user: String
    public var groupID: Int?
    public var group: String
    public var workingDir: String

    public init(command: String = "", serviceContext: String = "", environment: [String: String] = [:],
                userID: Int? = nil, user: String = "", groupID: Int? = nil, group: String = "", workingDir: String = "") {
        self.command = command
        self.serviceContext = serviceContext
        self.environment = environment
        self.userID = userID
        self.user = user
        self.groupID = groupID
        self.group = group
        self.workingDir = workingDir
    }
}
