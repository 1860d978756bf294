import Pebble

/// Pebble's service states (internals/overlord/servstate/handlers.go).
enum ServiceState: String, Sendable {
    case initial, starting, running, terminating, killing, stopped, backoff, exited

    /// The status the API reports (`stateToStatus`).
    var status: ServiceStatus {
        switch self {
        case .starting, .running: return .active
        case .terminating, .killing, .stopped: return .inactive
        case .backoff: return .backoff
        case .initial, .exited: return .error
        }
    }
}
