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
