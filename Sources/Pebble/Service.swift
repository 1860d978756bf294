/// A service in a Pebble layer or plan, with Pebble's fields and key spellings.
///
/// In a layer every field is optional: an empty string, an empty list or map, or `nil` means
/// "not set here", so that `override: merge` keeps the earlier layers' value (Pebble treats
/// empty strings the same way). In the combined plan the fields hold the result.
///
/// Printing a service (`print`, `dump`, `String(reflecting:)`, interpolation) masks the values
/// of environment variables whose names look like credentials (see ``PebbleMasking``).
public struct Service: Sendable, Hashable {
    public var summary: String
    public var description: String
    /// `startup`: `enabled` services start on replan and autostart.
    public var startup: ServiceStartup
    /// `override`: `merge` or `replace`; Pebble requires it in every layer.
    public var override: Override
    /// `command`: the command line, split as a shell would (no shell runs it); default
    /// arguments may follow in `[ ... ]`.
    public var command: String
    /// `after`: services this one starts after (and stops before).
    public var after: [String]
    /// `before`: services this one starts before.
    public var before: [String]
    /// `requires`: services started with this one.
    public var requires: [String]
    /// `workload`: the workload (a plan section this client does not model) the service runs in.
    public var workload: String
    /// `environment`: added to Pebble's own environment.
    public var environment: [String: String]
    /// `user-id`
    public var userID: Int?
    /// `user`
    public var user: String
    /// `group-id`
    public var groupID: Int?
    /// `group`
    public var group: String
    /// `working-dir`
    public var workingDir: String
    /// `on-success`: what happens when the service exits with 0 (default `restart`).
    public var onSuccess: ServiceAction
    /// `on-failure`: what happens when the service exits with another code (default `restart`).
    public var onFailure: ServiceAction
    /// `on-check-failure`: per check name, what happens to this service when the check fails.
    public var onCheckFailure: [String: ServiceAction]
    /// `backoff-delay` (Pebble's default: 500 ms).
    public var backoffDelay: Duration?
    /// `backoff-factor` (Pebble's default: 2).
    public var backoffFactor: Double?
    /// `backoff-limit` (Pebble's default: 30 s).
    public var backoffLimit: Duration?
    /// `kill-delay`: how long Pebble waits after SIGTERM before SIGKILL (default 5 s).
    public var killDelay: Duration?

    public init(override: Override = .unset, command: String = "", summary: String = "", description: String = "",
                startup: ServiceStartup = .unset, after: [String] = [], before: [String] = [], requires: [String] = [],
                workload: String = "", environment: [String: String] = [:], userID: Int? = nil, user: String = "",
                groupID: Int? = nil, group: String = "", workingDir: String = "", onSuccess: ServiceAction = .unset,
                onFailure: ServiceAction = .unset, onCheckFailure: [String: ServiceAction] = [:],
                backoffDelay: Duration? = nil, backoffFactor: Double? = nil, backoffLimit: Duration? = nil,
                killDelay: Duration? = nil) {
        self.summary = summary
        self.description = description
        self.startup = startup
        self.override = override
        self.command = command
        self.after = after
        self.before = before
        self.requires = requires
        self.workload = workload
        self.environment = environment
        self.userID = userID
        self.user = user
        self.groupID = groupID
        self.group = group
        self.workingDir = workingDir
        self.onSuccess = onSuccess
        self.onFailure = onFailure
        self.onCheckFailure = onCheckFailure
        self.backoffDelay = backoffDelay
        self.backoffFactor = backoffFactor
        self.backoffLimit = backoffLimit
        self.killDelay = killDelay
    }
}
