import JujuHookTools
import JujuJSON
import PostgreSQLClient

extension InMemoryJuju {
    /// The whole model as plain, `Codable` data: what `fake-juju-tools` keeps in its JSON model
    /// file between hook-tool processes.
    ///
    /// ``InMemoryJuju`` enforces Juju's rules on relations, leaders, secrets, statuses and logs.
    /// The rest (model name and UUID, Juju version, every unit of every application, charm
    /// config, workload versions, opened ports, legacy leader settings, secret metadata) is the
    /// hook environment around it: the model carries it through ``snapshot(updating:)`` without
    /// looking at it. Recorded calls are not part of a snapshot.
    public struct Snapshot: Codable, Sendable, Hashable {
        /// Bumped when the layout changes incompatibly.
        public var format: Int = 1
        public var modelName: String = "fake-model"
        public var modelUUID: String = "00000000-0000-4000-8000-000000000000"
        public var jujuVersion: String = "3.6.0"
        /// Every unit of every application, in or out of relations.
        public var units: [String: [String]] = [:]
        /// Application → its leader unit.
        public var leaders: [String: String] = [:]
        public var relations: [RelationRecord] = []
        public var secrets: [SecretRecord] = []
        public var nextSecret: Int = 1
        /// Unit name or application name → its workload status.
        public var statuses: [String: StatusRecord] = [:]
        /// `juju-log` lines, `"<unit> <LEVEL> <message>"`.
        public var logs: [String] = []
        /// Application → charm config.
        public var config: [String: [String: ConfigValue]] = [:]
        /// Application → `application-version-set` value.
        public var applicationVersions: [String: String] = [:]
        /// Unit → `open-port` entries (`"80/tcp"`, `"icmp"`...).
        public var openedPorts: [String: [String]] = [:]
        /// Application → legacy `leader-set` settings.
        public var leaderSettings: [String: [String: String]] = [:]

        public init() {}

        public struct RelationRecord: Codable, Sendable, Hashable {
            public var id: Int
            public var interface: String
            /// Application → its endpoint name.
            public var endpoints: [String: String]
            public var apps: [String]
            /// Application → its units in the relation's scope.
            public var units: [String: [String]]
            public var appBags: [String: [String: String]]
            public var unitBags: [String: [String: String]]

            public init(
                id: Int, interface: String, endpoints: [String: String], apps: [String], units: [String: [String]],
                appBags: [String: [String: String]] = [:], unitBags: [String: [String: String]] = [:]
            ) {
                self.id = id
                self.interface = interface
                self.endpoints = endpoints
                self.apps = apps
                self.units = units
                self.appBags = appBags
                self.unitBags = unitBags
            }
        }

        public struct SecretRecord: Codable, Sendable, Hashable {
            public var id: String
            /// The owning application.
            public var owner: String
            public var ownerLabel: String?
            /// Consumer application → its label for the secret.
            public var consumerLabels: [String: String] = [:]
            /// Revision n is `revisions[n - 1]`.
            public var revisions: [[String: String]]
            /// Applications it is granted to (sorted).
            public var grants: [String] = []
            /// Consumer application → the revision it tracks.
            public var tracked: [String: Int] = [:]
            /// Metadata the model does not interpret (`secret-info-get` shows it).
            public var description: String?
            public var expire: String?
            public var rotate: String?

            public init(id: String, owner: String, revisions: [[String: String]]) {
                self.id = id
                self.owner = owner
                self.revisions = revisions
            }
        }

        public struct StatusRecord: Codable, Sendable, Hashable {
            public var status: String
            public var message: String

            public init(status: String, message: String) {
                self.status = status
                self.message = message
            }
        }

        /// A charm config value: a string, an integer, a float or a Boolean.
        public enum ConfigValue: Codable, Sendable, Hashable {
            case string(String)
            case int(Int)
            case float(Double)
            case bool(Bool)

            public init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let b = try? container.decode(Bool.self) {
                    self = .bool(b)
                } else if let i = try? container.decode(Int.self) {
                    self = .int(i)
                } else if let d = try? container.decode(Double.self) {
                    self = .float(d)
                } else {
                    self = .string(try container.decode(String.self))
                }
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .string(let s): try container.encode(s)
                case .int(let i): try container.encode(i)
                case .float(let d): try container.encode(d)
                case .bool(let b): try container.encode(b)
                }
            }

            /// The value as JSON.
            public var jsonValue: JSONValue {
                switch self {
                case .string(let s): return .string(s)
                case .int(let i): return .number(JSONNumber(i))
                case .float(let d): return .number(JSONNumber(d))
                case .bool(let b): return .bool(b)
                }
            }
        }

        // MARK: JSON

        /// Reads a snapshot from the JSON text of a model file.
        public init(json text: String) throws {
            self = try JSONValueDecoder().decode(Snapshot.self, fromJSON: text)
        }

        /// The snapshot as JSON text (keys sorted, so equal models give equal files).
        public func json(style: JSONStyle = .compact) throws -> String {
            try JSONValueEncoder().encode(self).serialized(style: style)
        }

        /// The application of a unit name (`"pg/0"` → `"pg"`).
        public static func app(of unit: String) -> String { InMemoryJuju.app(of: unit) }
    }

    /// A model with the relations, leaders, secrets, statuses and logs of `snapshot`.
    public convenience init(snapshot: Snapshot) {
        self.init()
        restore(snapshot)
    }

    /// Replaces the model's state with the snapshot's (recorded calls are kept).
    public func restore(_ snapshot: Snapshot) {
        state.withLock { s in
            s.relations = [:]
            for r in snapshot.relations {
                s.relations[r.id] = Relation(
                    id: r.id, endpoints: r.endpoints, interface: r.interface, apps: r.apps, units: r.units,
                    appBags: r.appBags.mapValues { Databag($0) }, unitBags: r.unitBags.mapValues { Databag($0) })
            }
            s.secrets = [:]
            for r in snapshot.secrets {
                var secret = Secret(id: r.id, owner: r.owner, revisions: r.revisions)
                secret.ownerLabel = r.ownerLabel
                secret.consumerLabels = r.consumerLabels
                secret.grants = Set(r.grants)
                secret.tracked = r.tracked
                s.secrets[r.id] = secret
            }
            s.leaders = snapshot.leaders
            s.nextSecret = snapshot.nextSecret
            s.statuses = [:]
            for (owner, record) in snapshot.statuses {
                // Statuses the protocol cannot set (error, unknown) stay in the environment only.
                if let status = WorkloadStatus(rawValue: record.status) { s.statuses[owner] = (status, record.message) }
            }
            s.logs = snapshot.logs
        }
    }

    /// The model's state, with default environment (units taken from the relations).
    public func snapshot() -> Snapshot {
        var base = Snapshot()
        for relation in state.withLock({ Array($0.relations.values) }) {
            for (app, units) in relation.units {
                for unit in units where !(base.units[app] ?? []).contains(unit) { base.units[app, default: []].append(unit) }
            }
        }
        return snapshot(updating: base)
    }

    /// `base` with the model's state in place of its relations, leaders, secrets, statuses and
    /// logs; its environment is kept (secret metadata for secrets that still exist).
    public func snapshot(updating base: Snapshot) -> Snapshot {
        var result = base
        let metadata = Dictionary(base.secrets.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        state.withLock { s in
            result.relations = s.relations.values.sorted { $0.id < $1.id }.map { r in
                Snapshot.RelationRecord(
                    id: r.id, interface: r.interface, endpoints: r.endpoints, apps: r.apps, units: r.units,
                    appBags: r.appBags.mapValues(\.values), unitBags: r.unitBags.mapValues(\.values))
            }
            result.secrets = s.secrets.values.sorted { $0.id < $1.id }.map { secret in
                var record = Snapshot.SecretRecord(id: secret.id, owner: secret.owner, revisions: secret.revisions)
                record.ownerLabel = secret.ownerLabel
                record.consumerLabels = secret.consumerLabels
                record.grants = secret.grants.sorted()
                record.tracked = secret.tracked
                if let old = metadata[secret.id] {
                    record.description = old.description
                    record.expire = old.expire
                    record.rotate = old.rotate
                }
                return record
            }
            result.leaders = s.leaders
            result.nextSecret = s.nextSecret
            var statuses = base.statuses.filter { WorkloadStatus(rawValue: $0.value.status) == nil }
            for (owner, status) in s.statuses {
                statuses[owner] = Snapshot.StatusRecord(status: status.0.rawValue, message: status.1)
            }
            result.statuses = statuses
            result.logs = s.logs
        }
        return result
    }
}

extension InMemoryJuju.Snapshot {
    /// This model after a hook that failed, given `start`, the model when that hook began:
    /// Juju commits a hook's relation data, secrets and port changes only when it succeeds
    /// (JUJU-HOOK-COMMIT), so those come back as they were in `start`; statuses, `juju-log`
    /// lines and everything else the hook tools sent at once stay as they are now.
    public func discardingHookChanges(since start: Self) -> Self {
        var result = self
        result.relations = start.relations
        result.secrets = start.secrets
        result.nextSecret = start.nextSecret
        result.openedPorts = start.openedPorts
        return result
    }
}
