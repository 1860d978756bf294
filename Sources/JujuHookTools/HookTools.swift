import PostgreSQLClient

/// The one seam between the library and Juju: the hook tools a charm process may call.
///
/// The process implementation runs Juju's real tools (`relation-get`, `relation-set`, ...); the
/// test kit's in-memory model implements the same protocol with Juju's rules. Argument shapes
/// follow ops 3's `ops.hookcmds`. Calls are synchronous: a hook is one short-lived process.
public protocol HookTools: Sendable {
    /// `relation-ids ENDPOINT`.
    func relationIDs(endpoint: String) throws(HookToolError) -> [Int]
    /// `relation-list -r ID`: the remote units in the relation.
    func relationList(relationID: Int) throws(HookToolError) -> [String]
    /// `relation-get --format=json -r ID [--app] - MEMBER`: MEMBER is a unit name, or an
    /// application name with `app`.
    func relationGet(relationID: Int, member: String, app: Bool) throws(HookToolError) -> Databag
    /// `relation-set -r ID [--app] --file -` with the changes as JSON; `""` deletes a key.
    func relationSet(relationID: Int, app: Bool, changes: [String: String]) throws(HookToolError)
    /// `is-leader --format=json`.
    func isLeader() throws(HookToolError) -> Bool
    /// `status-set [--application] STATUS MESSAGE`.
    func statusSet(_ status: WorkloadStatus, message: String, application: Bool) throws(HookToolError)
    /// `juju-log --log-level LEVEL MESSAGE`.
    func log(_ level: LogLevel, _ message: String) throws(HookToolError)

    /// `secret-add --owner application [--label LABEL] key=value...`: returns the new secret's URI.
    func secretAdd(content: [String: String], label: String?) throws(HookToolError) -> String
    /// `secret-get [ID] [--label LABEL] [--refresh|--peek] --format=json`.
    func secretGet(id: String?, label: String?, refresh: Bool, peek: Bool) throws(HookToolError) -> [String: String]
    /// `secret-set ID key=value...`: a new revision.
    func secretSet(id: String, content: [String: String]) throws(HookToolError)
    /// `secret-grant ID -r RELATION_ID`.
    func secretGrant(id: String, relationID: Int) throws(HookToolError)
    /// `secret-remove ID`.
    func secretRemove(id: String) throws(HookToolError)
}

/// The statuses `status-set` accepts.
public enum WorkloadStatus: String, Sendable, Hashable, CaseIterable {
    case active, blocked, maintenance, waiting
}

/// `juju-log` levels (Juju's logging levels, as `juju-log --log-level` takes them).
public enum LogLevel: String, Sendable, Hashable, CaseIterable {
    case trace = "TRACE"
    case debug = "DEBUG"
    case info = "INFO"
    case warning = "WARNING"
    case error = "ERROR"
    case critical = "CRITICAL"
}
