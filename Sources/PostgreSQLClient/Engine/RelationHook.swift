/// The Juju hook a relation engine handles.
public enum RelationHook: Sendable, Hashable, CustomStringConvertible {
    case created
    case joined(remoteUnit: String)
    case changed(remoteUnit: String?)
    case departed(remoteUnit: String)
    case broken
    case secretChanged(secretID: String, label: String?)
    case leaderElected

    /// The hook's name with the relation's endpoint, e.g. `database-relation-changed`.
    public func hookName(endpoint: String) -> String {
        switch self {
        case .created: return "\(endpoint)-relation-created"
        case .joined: return "\(endpoint)-relation-joined"
        case .changed: return "\(endpoint)-relation-changed"
        case .departed: return "\(endpoint)-relation-departed"
        case .broken: return "\(endpoint)-relation-broken"
        case .secretChanged: return "secret-changed"
        case .leaderElected: return "leader-elected"
        }
    }

    public var description: String { hookName(endpoint: "<endpoint>") }
}
