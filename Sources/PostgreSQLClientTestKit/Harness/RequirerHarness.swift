import JujuHookTools
import JujuJSON
import PostgreSQLClient

/// A Scenario-like harness for a requirer charm: state in (an ``InMemoryJuju`` model), one hook
/// run, state out, with the events, the charm's reactions and every hook-tool call.
///
/// ``inject(_:)`` hands the charm a library event directly — e.g. a `database_created` with
/// given credentials — without building the relation state that would produce it.
public final class RequirerHarness: Sendable {
    /// The charm's reaction to a library event, with the unit's hook tools.
    public typealias Handler = @Sendable (LibraryEvent, any HookTools) throws -> Void

    public let model: InMemoryJuju
    public let requirer: DatabaseRequirer
    public let scope: RelationHookRunner.Scope
    let handler: Handler

    public init(model: InMemoryJuju, requirer: DatabaseRequirer, scope: RelationHookRunner.Scope, charm handler: @escaping Handler = { _, _ in }) {
        self.model = model
        self.requirer = requirer
        self.scope = scope
        self.handler = handler
    }

    var tools: InMemoryHookTools { model.tools(for: scope.localUnit) }

    /// The relation as the unit sees it now, for the requirer's queries
    /// (``DatabaseRequirer/credentials(_:secrets:)``, ``DatabaseRequirer/isResourceCreated(_:broken:secrets:)``).
    public func context() throws(HookToolError) -> RelationContext {
        try RelationHookRunner(tools: tools).context(scope)
    }

    /// Reads secrets as this unit.
    public var secrets: any SecretReading { RelationHookRunner(tools: tools).secretReader }

    /// Runs one hook through the requirer engine, then the charm's handler for each event.
    /// A hook that fails (the engine, a tool or the handler) changes no bag and no secret
    /// (``InMemoryJuju/runHook(_:)``).
    @discardableResult
    public func run(_ hook: RelationHook) -> HookResult {
        let recorder = HookRecorder(model, relationID: scope.relationID)
        var events: [LibraryEvent] = []
        var failure: EngineError?
        do {
            try model.runHook {
                events = try RelationHookRunner(tools: tools).runRequirer(requirer, hook: hook, scope: scope).events
                for event in events { try handler(event, tools) }
            }
        } catch {
            failure = HookRecorder.failure(error)
        }
        return recorder.result(events: events, error: failure)
    }

    /// Gives the charm `event` directly, as if the library had emitted it.
    @discardableResult
    public func inject(_ event: LibraryEvent) -> HookResult {
        let recorder = HookRecorder(model, relationID: scope.relationID)
        var failure: EngineError?
        do {
            try model.runHook { try handler(event, tools) }
        } catch {
            failure = HookRecorder.failure(error)
        }
        return recorder.result(events: [event], error: failure)
    }
}

extension LibraryEvent {
    /// A `database_created` event as the requirer would emit it, for ``RequirerHarness/inject(_:)``.
    public static func databaseCreated(
        relationID: Int, username: String, password: String, endpoints: String, database: String? = nil,
        readOnlyEndpoints: String? = nil, uris: String? = nil, version: String? = nil, tls: String? = nil, tlsCA: String? = nil
    ) -> LibraryEvent {
        func v(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        return LibraryEvent(name: "database_created", relationID: relationID, fields: [
            "username": .string(username), "password": .string(password), "endpoints": .string(endpoints),
            "database": v(database), "read_only_endpoints": v(readOnlyEndpoints), "uris": v(uris), "read_only_uris": .null,
            "version": v(version), "tls": v(tls), "tls_ca": v(tlsCA), "entity_name": .null, "entity_password": .null,
            "replset": .null, "prefix_databases": .array([]),
        ])
    }

    /// An `endpoints_changed` event, for ``RequirerHarness/inject(_:)``.
    public static func endpointsChanged(relationID: Int, endpoints: String, readOnlyEndpoints: String? = nil) -> LibraryEvent {
        LibraryEvent(name: "endpoints_changed", relationID: relationID, fields: [
            "endpoints": .string(endpoints), "read_only_endpoints": readOnlyEndpoints.map { .string($0) } ?? .null,
        ])
    }
}
