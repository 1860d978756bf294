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

/// A service's process: a real one, or a simulated one with a made-up pid.
enum ServiceProcess: Sendable {
    case real(SpawnedProcess)
    case simulated(pid: Int32)

    var pid: Int32 {
        switch self {
        case .real(let p): return p.pid
        case .simulated(let pid): return pid
        }
    }
}

/// What the fake knows of a service that was started at least once (Pebble's `serviceData`).
struct ServiceRecord: Sendable {
    var name: String
    var state: ServiceState = .initial
    /// The configuration it was last started with.
    var config: Service
    var process: ServiceProcess?
    /// Bumped at each spawn, so that a timer or an exit of an earlier run is ignored.
    var epoch = 0
    var backoffNum = 0
    var backoffNanoseconds: Int64 = 0
    var restarting = false
    var currentSince: Timestamp?
    /// The start task waiting for the okay delay.
    var startTask: Int?
    /// The stop task waiting for the process to go.
    var stopTask: Int?
    let output: OutputRingBuffer
    var startCount = 0
    var lastExitCode: Int32?

    init(name: String, config: Service) {
        self.name = name
        self.config = config
        self.output = OutputRingBuffer()
    }

    /// Moves to `state`; `current-since` changes only when the reported status does.
    mutating func transition(_ newState: ServiceState, restarting: Bool = false, at now: Timestamp) {
        if newState.status != state.status { currentSince = now }
        state = newState
        self.restarting = restarting
    }
}
