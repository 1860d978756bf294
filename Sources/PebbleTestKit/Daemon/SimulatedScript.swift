/// A scripted simulated service: how its next start goes.
struct SimulatedScript: Sendable {
    var exitCode: Int32
    var output: String
}
