import PostgreSQLClient

/// A unit a ``RelationLifeDriver`` can fire hooks on: ``RequirerHarness`` or ``ProviderHarness``.
public protocol RelationUnit: Sendable {
    /// The unit, e.g. `demo-api-charm/0`.
    var unitName: String { get }
    /// Runs one relation hook on this unit.
    func run(_ hook: RelationHook) async -> HookResult
}

extension RequirerHarness: RelationUnit {
    public var unitName: String { scope.localUnit }
}

extension ProviderHarness: RelationUnit {
    public var unitName: String { scope.localUnit }
}
