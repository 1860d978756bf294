import Pebble

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
