import JujuHookTools
import PostgreSQLClient

/// A Scenario-like harness for a provider charm: runs a hook through the provider engine and lets
/// the charm answer each event through a ``ProviderSession``, or injects an event directly.
public final class ProviderHarness: Sendable {
    /// The charm's answer to a library event.
    public typealias Handler = @Sendable (LibraryEvent, inout ProviderSession) throws(EngineError) -> Void

    public let model: InMemoryJuju
    public let provider: DatabaseProvider
    public let scope: RelationHookRunner.Scope
    let handler: Handler

    public init(model: InMemoryJuju, provider: DatabaseProvider, scope: RelationHookRunner.Scope, charm handler: @escaping Handler = { _, _ in }) {
        self.model = model
        self.provider = provider
        self.scope = scope
        self.handler = handler
    }

    var runner: RelationHookRunner { RelationHookRunner(tools: model.tools(for: scope.localUnit)) }

    @discardableResult
    public func run(_ hook: RelationHook) -> HookResult {
        let recorder = HookRecorder(model, relationID: scope.relationID)
        var events: [LibraryEvent] = []
        var failure: EngineError?
        do {
            try model.runHook { events = try runner.runProvider(provider, hook: hook, scope: scope, charm: handler).events }
        } catch {
            failure = HookRecorder.failure(error)
        }
        return recorder.result(events: events, error: failure)
    }

    /// Gives the charm `event` directly (e.g. a `database_requested`) and applies its answers.
    @discardableResult
    public func inject(_ event: LibraryEvent) -> HookResult {
        let recorder = HookRecorder(model, relationID: scope.relationID)
        var failure: EngineError?
        do {
            try model.runHook {
                let runner = self.runner
                let context: RelationContext
                do {
                    context = try runner.context(scope)
                } catch {
                    throw EngineError(code: "HOOK-TOOL-FAILED", message: "\(error)")
                }
                var session = provider.session(context: context, output: EngineOutput(), secrets: runner.secretReader)
                try handler(event, &session)
                _ = try runner.apply(session.output, context: context)
            }
        } catch {
            failure = HookRecorder.failure(error)
        }
        return recorder.result(events: [event], error: failure)
    }
}
