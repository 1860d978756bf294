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

/// Marks where a hook starts in a model's call and log records, and builds its ``HookResult``.
struct HookRecorder {
    let model: InMemoryJuju
    let relationID: Int
    let calls: Int
    let logs: Int

    init(_ model: InMemoryJuju, relationID: Int) {
        self.model = model
        self.relationID = relationID
        self.calls = model.calls.count
        self.logs = model.logs.count
    }

    func result(events: [LibraryEvent], error: EngineError?) -> HookResult {
        HookResult(
            events: events, calls: Array(model.calls.dropFirst(calls)), error: error,
            relation: model.relation(relationID), logs: Array(model.logs.dropFirst(logs)))
    }

    /// The hook's failure as an ``EngineError`` (a charm's own error becomes `CHARM-ERROR`).
    static func failure(_ error: any Error) -> EngineError {
        error as? EngineError ?? EngineError(code: "CHARM-ERROR", message: "\(error)")
    }
}
