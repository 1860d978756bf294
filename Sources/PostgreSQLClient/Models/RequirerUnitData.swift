/// A requirer unit's bag: the snapshot of the provider's bag it last saw (`data`) and, on the
/// leader, a copy of the secret-field lists.
public struct RequirerUnitData: DatabagModel, Hashable {
    /// The provider application bag last seen, without its own `data` key.
    public var data: [String: String]?
    public var requestedSecrets: [String]?
    public var providedSecrets: [String]?
    public var alias: String?
    /// Set by Juju.
    public var ingressAddress: String?
    /// Set by Juju.
    public var egressSubnets: String?
    /// Set by Juju.
    public var privateAddress: String?

    public init(
        data: [String: String]? = nil, requestedSecrets: [String]? = nil, providedSecrets: [String]? = nil,
        alias: String? = nil, ingressAddress: String? = nil, egressSubnets: String? = nil,
        privateAddress: String? = nil
    ) {
        self.data = data
        self.requestedSecrets = requestedSecrets
        self.providedSecrets = providedSecrets
        self.alias = alias
        self.ingressAddress = ingressAddress
        self.egressSubnets = egressSubnets
        self.privateAddress = privateAddress
    }

    enum CodingKeys: String, CodingKey {
        case data
        case requestedSecrets = "requested-secrets"
        case providedSecrets = "provided-secrets"
        case alias
        case ingressAddress = "ingress-address"
        case egressSubnets = "egress-subnets"
        case privateAddress = "private-address"
    }
}

extension RequirerUnitData: CustomReflectable {
    /// `dump` and debuggers see the masked description.
    public var customMirror: Mirror { Mirror(self, children: ["masked": description], displayStyle: .struct) }
}

extension RequirerUnitData: CustomStringConvertible {
    /// Masks the snapshot, which can hold the provider's password.
    public var description: String {
        "RequirerUnitData(data: \(data.map { "<masked, \($0.count) keys>" } ?? "nil"), requestedSecrets: \(requestedSecrets ?? []), providedSecrets: \(providedSecrets ?? []), alias: \(alias ?? "nil"))"
    }
}
