import JujuHookTools
import PostgreSQLClient

/// What one hook (or one injected event) did: state out, events, tool calls.
public struct HookResult: Sendable {
    /// Library events emitted, in order (for an injected event: that event).
    public var events: [LibraryEvent]
    /// The hook-tool calls the unit made, in order.
    public var calls: [InMemoryJuju.Call]
    /// Set when the hook failed; then no databag changed.
    public var error: EngineError?
    /// The relation after the hook.
    public var relation: InMemoryJuju.Relation?
    /// Log lines the unit sent to `juju-log` during the hook.
    public var logs: [String]

    /// A bag after the hook.
    public func appBag(_ app: String) -> Databag { relation?.appBags[app] ?? Databag() }
    public func unitBag(_ unit: String) -> Databag { relation?.unitBags[unit] ?? Databag() }
}
