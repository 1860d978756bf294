/// A provider unit's bag. Subordinate providers set `state` to `ready` when the unit serves.
public struct ProviderUnitData: DatabagModel, Hashable {
    /// `ready` once a subordinate provider's unit can serve; requirers wait for it when the
    /// provider app bag has `subordinated: "true"`.
    public var state: String?
    public var ingressAddress: String?
    public var egressSubnets: String?
    public var privateAddress: String?

    public init(state: String? = nil, ingressAddress: String? = nil, egressSubnets: String? = nil, privateAddress: String? = nil) {
        self.state = state
        self.ingressAddress = ingressAddress
        self.egressSubnets = egressSubnets
        self.privateAddress = privateAddress
    }

    enum CodingKeys: String, CodingKey {
        case state
        case ingressAddress = "ingress-address"
        case egressSubnets = "egress-subnets"
        case privateAddress = "private-address"
    }

    /// Whether the unit says it is ready to serve.
    public var isReady: Bool { state == "ready" }
}
