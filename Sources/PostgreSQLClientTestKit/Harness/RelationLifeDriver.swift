import PostgreSQLClient
import Synchronization

/// Plays a relation's life between two applications on an ``InMemoryJuju``, firing the hooks
/// Juju fires, in Juju's order: `relation-created` on every unit, then per remote unit
/// `relation-joined` and `relation-changed`, then `relation-changed` whenever a bag a unit can see
/// has changed since it last looked (until nothing changes), and at the end `relation-departed`
/// per remote unit and `relation-broken`. A hook that fails is retried on the next round, as
/// Juju retries it.
public final class RelationLifeDriver: Sendable {
    /// One hook the driver fired.
    public struct Fired: Sendable, CustomStringConvertible {
        public var unit: String
        public var hook: String
        public var events: [String]
        public var error: String?
        public var description: String {
            "\(unit) \(hook)" + (events.isEmpty ? "" : " → " + events.joined(separator: ", ")) + (error.map { " ✗ \($0)" } ?? "")
        }
    }

    public let model: InMemoryJuju
    public let relationID: Int
    let sides: [[any RelationUnit]]
    let seen = Mutex<[String: [String: Databag]]>([:])
    let history = Mutex<[Fired]>([])

    /// `requirerUnits` and `providerUnits` must be the harnesses of every unit of each
    /// application, already set up on `model` with relation `relationID`.
    public init(model: InMemoryJuju, relationID: Int, requirerUnits: [any RelationUnit], providerUnits: [any RelationUnit]) {
        self.model = model
        self.relationID = relationID
        self.sides = [requirerUnits, providerUnits]
    }

    /// Every hook fired so far.
    public var fired: [Fired] { history.withLock { $0 } }

    func fire(_ unit: any RelationUnit, _ hook: RelationHook, name: String) async -> HookResult {
        let result = await unit.run(hook)
        history.withLock {
            $0.append(Fired(unit: unit.unitName, hook: name, events: result.events.map(\.name), error: result.error?.code))
        }
        return result
    }

    static func app(_ unit: String) -> String { String(unit.split(separator: "/").first ?? Substring(unit)) }

    /// The bags `unit` can see on the other side, keyed by member (application or unit).
    func remoteBags(for unit: String) -> [String: Databag] {
        guard let relation = model.relation(relationID) else { return [:] }
        let app = Self.app(unit)
        var bags: [String: Databag] = [:]
        for other in relation.apps where other != app {
            bags[other] = relation.appBags[other] ?? Databag()
            for remoteUnit in relation.units[other] ?? [] { bags[remoteUnit] = relation.unitBags[remoteUnit] ?? Databag() }
        }
        return bags
    }

    /// relation-created on every unit, then relation-joined and relation-changed for every
    /// remote unit, then ``settle(maxRounds:)``.
    @discardableResult
    public func integrate() async -> [Fired] {
        let start = fired.count
        for side in sides { for unit in side { _ = await fire(unit, .created, name: "relation-created") } }
        for (index, side) in sides.enumerated() {
            let others = sides[1 - index]
            for unit in side {
                for remote in others {
                    _ = await fire(unit, .joined(remoteUnit: remote.unitName), name: "relation-joined (\(remote.unitName))")
                    let result = await fire(unit, .changed(remoteUnit: remote.unitName), name: "relation-changed (\(remote.unitName))")
                    if result.error == nil {
                        seen.withLock { $0[unit.unitName] = remoteBags(for: unit.unitName) }
                    }
                }
            }
        }
        await settle()
        return Array(fired.dropFirst(start))
    }

    /// Fires relation-changed on every unit that has not seen the current state of a remote bag,
    /// until no bag changes (or `maxRounds`).
    @discardableResult
    public func settle(maxRounds: Int = 20) async -> [Fired] {
        let start = fired.count
        for _ in 0..<maxRounds {
            var firedAny = false
            for side in sides {
                for unit in side {
                    let now = remoteBags(for: unit.unitName)
                    let before = seen.withLock { $0[unit.unitName] } ?? [:]
                    let changed = now.keys.sorted().filter { now[$0] != before[$0] }
                    guard !changed.isEmpty else { continue }
                    firedAny = true
                    for member in changed {
                        let remoteUnit = member.contains("/") ? member : nil
                        let result = await fire(unit, .changed(remoteUnit: remoteUnit), name: "relation-changed (\(member))")
                        if result.error == nil {
                            seen.withLock { $0[unit.unitName, default: [:]][member] = now[member] }
                        }
                    }
                }
            }
            if !firedAny { break }
        }
        return Array(fired.dropFirst(start))
    }

    /// relation-departed on each unit for every remote unit, then relation-broken everywhere;
    /// the relation is then gone from the model.
    @discardableResult
    public func remove() async -> [Fired] {
        let start = fired.count
        for (index, side) in sides.enumerated() {
            for unit in side {
                for remote in sides[1 - index] {
                    _ = await fire(unit, .departed(remoteUnit: remote.unitName), name: "relation-departed (\(remote.unitName))")
                }
            }
        }
        for side in sides { for unit in side { _ = await fire(unit, .broken, name: "relation-broken") } }
        model.removeRelation(relationID)
        return Array(fired.dropFirst(start))
    }
}
