import JujuJSON
import PostgreSQLClient

/// Runs the protocol engines over a ``HookTools`` implementation: reads the relation as Juju shows
/// it, lets the engine decide, then applies the result — secrets first, then at most one
/// `relation-set` per bag — or nothing at all when the hook fails.
public struct RelationHookRunner: Sendable {
    public let tools: any HookTools

    public init(tools: any HookTools) {
        self.tools = tools
    }

    /// Who and where this hook runs.
    public struct Scope: Sendable, Hashable {
        public var relationID: Int
        public var relationName: String
        public var localUnit: String
        public var remoteApp: String?
        public var jujuVersion: JujuVersion

        public init(relationID: Int, relationName: String, localUnit: String, remoteApp: String?, jujuVersion: JujuVersion) {
            self.relationID = relationID
            self.relationName = relationName
            self.localUnit = localUnit
            self.remoteApp = remoteApp
            self.jujuVersion = jujuVersion
        }

        public var localApp: String { String(localUnit.split(separator: "/").first ?? Substring(localUnit)) }
    }

    /// What to read of the relation: each part costs hook-tool calls, so a hook reads only what
    /// its engine needs (a requirer's relation-changed needs the provider's bag and its own unit
    /// bag; the remote units only when the provider is subordinated).
    public struct Needs: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let leadership = Needs(rawValue: 1 << 0)
        public static let localApp = Needs(rawValue: 1 << 1)
        public static let localUnit = Needs(rawValue: 1 << 2)
        public static let remoteApp = Needs(rawValue: 1 << 3)
        public static let remoteUnits = Needs(rawValue: 1 << 4)
        public static let aliases = Needs(rawValue: 1 << 5)
        /// Everything (what queries such as credentials use).
        public static let all: Needs = [.leadership, .localApp, .localUnit, .remoteApp, .remoteUnits]
    }

    /// Reads the relation through the hook tools. Parts not in `needs` are left empty
    /// (`isLeader` false, bags empty); the local application bag is read only on the leader.
    /// `knownLeader` saves the `is-leader` call when the caller already asked.
    public func context(_ scope: Scope, needs: Needs = .all, knownLeader: Bool? = nil) throws(HookToolError) -> RelationContext {
        let leader: Bool
        if let knownLeader {
            leader = knownLeader
        } else {
            leader = needs.contains(.leadership) || needs.contains(.localApp) ? try tools.isLeader() : false
        }
        let appBag = leader && needs.contains(.localApp) ? try tools.relationGet(relationID: scope.relationID, member: scope.localApp, app: true) : nil
        let unitBag = needs.contains(.localUnit) || needs.contains(.aliases) ? try tools.relationGet(relationID: scope.relationID, member: scope.localUnit, app: false) : Databag()
        var remoteAppBag = Databag()
        if let remote = scope.remoteApp, needs.contains(.remoteApp) {
            remoteAppBag = try tools.relationGet(relationID: scope.relationID, member: remote, app: true)
        }
        var remoteUnits: [RelationContext.RemoteUnit] = []
        if needs.contains(.remoteUnits) {
            for unit in try tools.relationList(relationID: scope.relationID) {
                remoteUnits.append(.init(name: unit, bag: try tools.relationGet(relationID: scope.relationID, member: unit, app: false)))
            }
        }
        var inUse: Set<String> = []
        if needs.contains(.aliases) {
            for other in try tools.relationIDs(endpoint: scope.relationName) where other != scope.relationID {
                if let alias = try tools.relationGet(relationID: other, member: scope.localUnit, app: false)["alias"] {
                    inUse.insert(alias)
                }
            }
        }
        return RelationContext(
            relationID: scope.relationID, relationName: scope.relationName, localApp: scope.localApp,
            localUnit: scope.localUnit, remoteApp: scope.remoteApp, isLeader: leader,
            secretsEnabled: scope.jujuVersion.hasSecrets, localAppBag: appBag, localUnitBag: unitBag,
            remoteAppBag: remoteAppBag, remoteUnits: remoteUnits, aliasesInUse: inUse)
    }

    /// What the requirer engine reads for `hook`.
    static func requirerNeeds(_ hook: RelationHook, aliases: Bool) -> Needs {
        switch hook {
        case .created: return aliases ? [.leadership, .localUnit, .aliases] : [.leadership, .localUnit]
        case .changed: return [.localUnit, .remoteApp]
        default: return []
        }
    }

    /// Reads secrets through `secret-get`.
    public var secretReader: HookToolsSecretReader { HookToolsSecretReader(tools: tools) }

    /// Runs the requirer engine for one hook and applies its result.
    public func runRequirer(_ requirer: DatabaseRequirer, hook: RelationHook, scope: Scope) throws(EngineError) -> EngineOutput {
        var context: RelationContext
        do {
            context = try self.context(scope, needs: Self.requirerNeeds(hook, aliases: requirer.configuration.relationsAliases != nil))
            // The subordinate gate looks at the remote units only when the provider asks for it.
            if case .changed = hook, context.remoteAppBag["subordinated"] == "true" {
                context.remoteUnits = try self.context(scope, needs: [.remoteUnits]).remoteUnits
            }
        } catch {
            throw EngineError(code: "HOOK-TOOL-FAILED", message: error.description)
        }
        let output = try requirer.handle(hook, context: context, secrets: secretReader)
        return try apply(output, context: context)
    }

    /// Runs the provider engine for one hook, lets `charm` answer each event through the
    /// session, then `afterEvents` (the charm's own handler of the hook), and applies the result.
    public func runProvider(
        _ provider: DatabaseProvider, hook: RelationHook, scope: Scope,
        charm: (LibraryEvent, inout ProviderSession) throws(EngineError) -> Void = { _, _ in },
        afterEvents: (inout ProviderSession) throws(EngineError) -> Void = { _ in }
    ) throws(EngineError) -> EngineOutput {
        let context: RelationContext
        do {
            // The provider reads its own bag and the request; on a non-leader only leadership.
            let leader = try tools.isLeader()
            context = try self.context(scope, needs: leader ? [.leadership, .localApp, .localUnit, .remoteApp] : [.leadership], knownLeader: leader)
        } catch {
            throw EngineError(code: "HOOK-TOOL-FAILED", message: error.description)
        }
        let output = try provider.handle(hook, context: context)
        var session = provider.session(context: context, output: output, secrets: secretReader)
        for event in output.events {
            try charm(event, &session)
        }
        try afterEvents(&session)
        return try apply(session.output, context: context)
    }

    /// Applies an engine's output: creates and updates secrets, then writes each bag once.
    /// Changes that would not change a bag are dropped, so an unchanged bag costs no call.
    public func apply(_ output: EngineOutput, context: RelationContext) throws(EngineError) -> EngineOutput {
        var applied = output
        do {
            for action in output.secretActions {
                switch action {
                case .create(let group, let label, let content):
                    let uri = try tools.secretAdd(content: content, label: label)
                    try tools.secretGrant(id: uri, relationID: context.relationID)
                    applied.appChanges[group.fieldName] = uri
                case .update(let uri, _, let content):
                    try tools.secretSet(id: uri, content: content)
                }
            }
            let appChanges = Self.effective(applied.appChanges, against: context.localAppBag ?? Databag())
            if !appChanges.isEmpty {
                try tools.relationSet(relationID: context.relationID, app: true, changes: appChanges)
            }
            let unitChanges = Self.effective(applied.unitChanges, against: context.localUnitBag)
            if !unitChanges.isEmpty {
                try tools.relationSet(relationID: context.relationID, app: false, changes: unitChanges)
            }
            applied.appChanges = appChanges
            applied.unitChanges = unitChanges
            // Warnings and errors go to juju-log; the rest would cost a tool call each.
            for record in output.logs where record.level == .warning || record.level == .error {
                try? tools.log(LogLevel(rawValue: record.level.rawValue) ?? .info, record.message)
            }
        } catch {
            throw EngineError(code: "HOOK-TOOL-FAILED", message: error.description)
        }
        return applied
    }

    static func effective(_ changes: [String: String], against bag: Databag) -> [String: String] {
        changes.filter { key, value in
            value.isEmpty ? bag[key] != nil : !(bag[key].map { $0.unicodeScalars.elementsEqual(value.unicodeScalars) } ?? false)
        }
    }
}

/// ``SecretReading`` over `secret-get`.
public struct HookToolsSecretReader: SecretReading {
    let tools: any HookTools

    public func secretContent(uri: String, label: String?, refresh: Bool) throws(EngineError) -> [String: String] {
        do {
            return try tools.secretGet(id: uri, label: label, refresh: refresh, peek: false)
        } catch {
            throw EngineError(code: Rule.jujuSecretAccess.id, message: "cannot read secret \(uri): \(error.message)")
        }
    }
}
