/// A health check in a Pebble layer or plan: exactly one of ``http``, ``tcp`` or ``exec``.
///
/// As with ``Service``, empty or `nil` fields are "not set" in a layer.
public struct Check: Sendable, Hashable {
    /// `override`: `merge` or `replace`.
    public var override: Override
    /// `level`: `alive`, `ready` or unset.
    public var level: CheckLevel
    /// `startup`: `enabled` (the default) or `disabled`.
    public var startup: CheckStartup
    /// `period` (Pebble's default: 10 s).
    public var period: Duration?
    /// `timeout` (Pebble's default: 3 s, capped at the period).
    public var timeout: Duration?
    /// `threshold`: failures in a row before the check is down (0 = unset; Pebble's default 3).
    public var threshold: Int
    public var http: HTTPCheck?
    public var tcp: TCPCheck?
    public var exec: ExecCheck?

    public init(override: Override = .unset, level: CheckLevel = .unset, startup: CheckStartup = .unset,
                period: Duration? = nil, timeout: Duration? = nil, threshold: Int = 0,
                http: HTTPCheck? = nil, tcp: TCPCheck? = nil, exec: ExecCheck? = nil) {
        self.override = override
        self.level = level
        self.startup = startup
        self.period = period
        self.timeout = timeout
        self.threshold = threshold
        self.http = http
        self.tcp = tcp
        self.exec = exec
    }
}

/// An HTTP check: a `GET` of `url` that must answer 2xx.
public struct HTTPCheck: Sendable, Hashable {
    public var url: String
    public var headers: [String: String]

    public init(url: String = "", headers: [String: String] = [:]) {
        self.url = url
        self.headers = headers
    }
}

/// A TCP check: a connection to `host` (default `localhost`) and `port` must open.
public struct TCPCheck: Sendable, Hashable {
    public var port: Int
    public var host: String

    public init(port: Int = 0, host: String = "") {
        self.port = port
        self.host = host
    }
}

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
