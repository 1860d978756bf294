/// Everything an engine may look at for one relation during one hook: the bags as Juju returns
/// them at the start of the hook, and who this unit is.
public struct RelationContext: Sendable, Hashable {
    public var relationID: Int
    /// The endpoint name in metadata (`database`).
    public var relationName: String
    public var localApp: String
    public var localUnit: String
    /// `nil` when Juju has not told us the remote application yet.
    public var remoteApp: String?
    public var isLeader: Bool
    /// Whether Juju has secrets (3.0.3 and later).
    public var secretsEnabled: Bool
    /// The local application bag; `nil` on a unit that is not the leader (Juju refuses to show it).
    public var localAppBag: Databag?
    public var localUnitBag: Databag
    public var remoteAppBag: Databag
    /// Remote units and their bags, in `relation-list` order.
    public var remoteUnits: [RemoteUnit]
    /// Aliases this unit already gave to other relations of the same endpoint.
    public var aliasesInUse: Set<String>

    /// A remote unit's bag.
    public struct RemoteUnit: Sendable, Hashable {
        public var name: String
        public var bag: Databag
        public init(name: String, bag: Databag) {
            self.name = name
            self.bag = bag
        }
    }

    public init(
        relationID: Int, relationName: String, localApp: String, localUnit: String, remoteApp: String?,
        isLeader: Bool, secretsEnabled: Bool, localAppBag: Databag?, localUnitBag: Databag, remoteAppBag: Databag,
        remoteUnits: [RemoteUnit] = [], aliasesInUse: Set<String> = []
    ) {
        self.relationID = relationID
        self.relationName = relationName
        self.localApp = localApp
        self.localUnit = localUnit
        self.remoteApp = remoteApp
        self.isLeader = isLeader
        self.secretsEnabled = secretsEnabled
        self.localAppBag = localAppBag
        self.localUnitBag = localUnitBag
        self.remoteAppBag = remoteAppBag
        self.remoteUnits = remoteUnits
        self.aliasesInUse = aliasesInUse
    }

    /// The label `data_interfaces` gives this relation's secret of `group`.
    public func secretLabel(_ group: SecretGroup) -> String {
        group.label(relationName: relationName, relationID: relationID)
    }
}
