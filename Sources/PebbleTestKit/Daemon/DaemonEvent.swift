/// What the fake reacts to besides requests.
enum DaemonEvent: Sendable {
    case okayElapsed(String, epoch: Int)
    case exited(String, epoch: Int, code: Int32)
    case backoffElapsed(String, epoch: Int)
    case terminateElapsed(String, epoch: Int)
    case killElapsed(String, epoch: Int)
    case backoffReset(String, epoch: Int)
    case checkTick(String, changeID: Int)
    case checkResult(String, changeID: Int, error: String?)
}
