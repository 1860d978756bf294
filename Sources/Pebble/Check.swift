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
