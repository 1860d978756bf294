import Pebble

/// What the fake knows of a check (internals/overlord/checkstate, `checkData`).
struct CheckRecord: Sendable {
    var name: String
    var level: CheckLevel = .unset
    var startup: CheckStartup = .enabled
    var status: CheckStatus = .inactive
    var successes = 0
    var failures = 0
    var threshold = 3
    var changeID: Int?
    var prevChangeID: Int?
    /// The configuration the running change uses (service context merged in).
    var config: Check?
    /// `true` while a perform-check or recover-check change runs it.
    var running = false
    /// The running change's task.
    var task: Int?
    /// The change whose tick is scheduled (stale ticks of older changes are ignored).
    var tickChange: Int?

    var info: CheckInfo {
        CheckInfo(name: name, level: level, startup: startup, status: status, successes: successes, failures: failures,
                  threshold: threshold, changeID: changeID.map(String.init) ?? "", prevChangeID: prevChangeID.map(String.init) ?? "")
    }
}
