import JujuHookTools
import PostgreSQLClient
import Synchronization

/// A Juju model in memory, with Juju's rules: only the leader reads or writes its application
/// bag, nobody writes the other side's bags, `""` deletes, secrets have owners, labels,
/// revisions and grants. Every refusal is a ``HookToolError`` whose message starts with the rule
/// id (`JUJU-APP-BAG-LEADER`, ...). ``tools(for:)`` gives one unit's view as ``HookTools``.
public final class InMemoryJuju: Sendable {
    /// One relation between two applications.
    public struct Relation: Sendable, Hashable {
        public var id: Int
        /// Endpoint name on each application's side.
        public var endpoints: [String: String]
        public var interface: String
        /// The two applications.
        public var apps: [String]
        /// Units in scope, per application.
        public var units: [String: [String]]
        public var appBags: [String: Databag]
        public var unitBags: [String: Databag]

        public init(
            id: Int, endpoints: [String: String], interface: String = "postgresql_client", apps: [String],
            units: [String: [String]], appBags: [String: Databag] = [:], unitBags: [String: Databag] = [:]
        ) {
            self.id = id
            self.endpoints = endpoints
            self.interface = interface
            self.apps = apps
            self.units = units
            self.appBags = appBags
            self.unitBags = unitBags
        }
    }

    /// One Juju secret.
    public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
        public var id: String
        public var owner: String
        public var ownerLabel: String?
        public var consumerLabels: [String: String] = [:]
        /// Revision n is `revisions[n - 1]`.
        public var revisions: [[String: String]]
        /// Applications it is granted to.
        public var grants: Set<String> = []
        /// The revision each consumer application tracks.
        public var tracked: [String: Int] = [:]
        public var latest: Int { revisions.count }

        /// The secret with every revision's values masked (keys shown).
        public var description: String {
            "Secret(\(id), owner: \(owner), revisions: \(revisions.map(SensitiveFields.maskedContent)), grants: \(grants.sorted()))"
        }

        /// What `dump` and debuggers see: the same fields, passwords and secret values masked.
        public var customMirror: Mirror {
            Mirror(self, children: [
                "id": id, "owner": owner, "ownerLabel": ownerLabel as Any, "consumerLabels": consumerLabels,
                "revisions": revisions.map(SensitiveFields.maskedContentMirror), "grants": grants.sorted(), "tracked": tracked,
            ], displayStyle: .struct)
        }
    }

    /// A hook-tool call as the unit made it.
    public struct Call: Sendable, Hashable, CustomStringConvertible {
        public var unit: String
        public var argv: [String]
        /// The value with passwords and secret values masked.
        public var description: String { "\(unit): " + argv.joined(separator: " ") }
    }

    struct State: Sendable {
        var relations: [Int: Relation] = [:]
        var secrets: [String: Secret] = [:]
        var leaders: [String: String] = [:]
        var nextSecret = 1
        var calls: [Call] = []
        var statuses: [String: (WorkloadStatus, String)] = [:]
        var logs: [String] = []
        var faults: [Fault] = []
    }

    /// A scripted hook-tool failure (see ``failNext(_:unit:times:)``).
    struct Fault: Sendable {
        var tool: String
        var unit: String?
        var remaining: Int
    }

    let state = Mutex(State())

    public init() {}

    // MARK: Setting up (what Juju and the other side do)

    public func addRelation(_ relation: Relation) {
        state.withLock { $0.relations[relation.id] = relation }
    }

    public func relation(_ id: Int) -> Relation? { state.withLock { $0.relations[id] } }

    public func removeRelation(_ id: Int) { state.withLock { _ = $0.relations.removeValue(forKey: id) } }

    /// Makes `unit` the leader of its application (`nil` unit: no leader for `app`).
    public func setLeader(app: String, unit: String?) {
        state.withLock { $0.leaders[app] = unit }
    }

    /// Replaces an application's bag wholesale (as the other side's leader would).
    public func setAppBag(relation id: Int, app: String, _ bag: Databag) {
        state.withLock { $0.relations[id]?.appBags[app] = bag }
    }

    /// Replaces a unit's bag wholesale, entering it into the relation if needed.
    public func setUnitBag(relation id: Int, unit: String, _ bag: Databag) {
        state.withLock { s in
            guard var relation = s.relations[id] else { return }
            relation.unitBags[unit] = bag
            let app = Self.app(of: unit)
            if !(relation.units[app] ?? []).contains(unit) { relation.units[app, default: []].append(unit) }
            s.relations[id] = relation
        }
    }

    /// Takes a unit out of the relation (relation-departed).
    public func removeUnit(relation id: Int, unit: String) {
        state.withLock { s in
            s.relations[id]?.units[Self.app(of: unit)]?.removeAll { $0 == unit }
            s.relations[id]?.unitBags.removeValue(forKey: unit)
        }
    }

    /// Adds or replaces a secret as its owner would (a changed content adds a revision).
    public func putSecret(id: String, owner: String, label: String?, revision: Int, content: [String: String], grantedTo: Set<String>) {
        state.withLock { s in
            if var existing = s.secrets[id] {
                if existing.revisions.last != content { existing.revisions.append(content) }
                existing.grants.formUnion(grantedTo)
                s.secrets[id] = existing
            } else {
                var secret = Secret(id: id, owner: owner, revisions: Array(repeating: content, count: max(revision, 1)), grants: grantedTo)
                if let label {
                    if grantedTo.isEmpty { secret.ownerLabel = label } else { for app in grantedTo { secret.consumerLabels[app] = label } }
                }
                s.secrets[id] = secret
            }
        }
    }

    public func secret(_ id: String) -> Secret? { state.withLock { $0.secrets[id] } }
    public var secrets: [Secret] { state.withLock { Array($0.secrets.values) } }

    /// Every hook-tool call so far.
    public var calls: [Call] { state.withLock { $0.calls } }
    public func clearCalls() { state.withLock { $0.calls.removeAll() } }
    public var logs: [String] { state.withLock { $0.logs } }

    /// The workload status a unit (or `app` for the application) last set.
    public func status(of owner: String) -> (WorkloadStatus, String)? { state.withLock { $0.statuses[owner] } }

    /// One unit's view of the model, as hook tools.
    public func tools(for unit: String) -> InMemoryHookTools { InMemoryHookTools(model: self, unit: unit) }

    static func app(of unit: String) -> String { String(unit.split(separator: "/").first ?? Substring(unit)) }

    // MARK: Hooks

    /// Runs one hook's `body` under Juju's commit rule (JUJU-HOOK-COMMIT): the relation data and
    /// secrets a hook changed take effect only if the hook succeeds. When `body` throws, every
    /// bag and secret is put back as it was when the hook started, as Juju discards the changes
    /// of a failed hook and retries it from the same state; statuses and `juju-log` lines stay,
    /// as Juju sends those at once.
    public func runHook<T>(_ body: () throws -> T) rethrows -> T {
        let before = state.withLock { ($0.relations, $0.secrets, $0.nextSecret) }
        do {
            return try body()
        } catch {
            state.withLock { s in
                s.relations = before.0
                s.secrets = before.1
                s.nextSecret = before.2
            }
            throw error
        }
    }

    // MARK: Faults

    /// Makes the next `times` calls of `tool` (by `unit`, or by any unit) fail before they do
    /// anything, with ``HookToolError/Code/toolFailed``, as a tool killed mid-hook or an agent
    /// that went away would. The call is still recorded. Use it to test that a hook which fails
    /// half-way leaves the model as it found it, and that the retried hook does the work again.
    public func failNext(_ tool: String, unit: String? = nil, times: Int = 1) {
        state.withLock { $0.faults.append(Fault(tool: tool, unit: unit, remaining: times)) }
    }

    /// Records a call, then throws if a scripted fault matches it.
    func record(_ unit: String, _ argv: [String]) throws(HookToolError) {
        let tool = argv.first ?? ""
        let injected: Bool = state.withLock { s in
            s.calls.append(Call(unit: unit, argv: argv))
            guard let index = s.faults.firstIndex(where: { $0.tool == tool && ($0.unit == nil || $0.unit == unit) }) else {
                return false
            }
            s.faults[index].remaining -= 1
            if s.faults[index].remaining <= 0 { s.faults.remove(at: index) }
            return true
        }
        if injected { throw HookToolError(.toolFailed, tool: tool, message: "injected failure (InMemoryJuju.failNext)") }
    }

    func nextSecretID() -> String {
        state.withLock { s in
            defer { s.nextSecret += 1 }
            let alphabet = Array("0123456789abcdefghijklmnopqrstuv")
            var n = s.nextSecret
            var id = ""
            for _ in 0..<20 {
                id.append(alphabet[n % 32])
                n /= 32
            }
            return "secret:" + String(id.reversed())
        }
    }
}
