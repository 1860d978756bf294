/// What ``ProcessSupervisor/spawn(_:)`` starts: a service's command as Pebble runs it.
package struct SpawnSpec: Sendable {
    /// Go's `exec.Cmd.WaitDelay` for a service with Pebble's default kill-delay (5 s): 90 % of it.
    package static let defaultOutputDrainNanoseconds: UInt64 = 4_500_000_000

    /// The command line, `argv`. `arguments[0]` without a slash is looked up on the daemon's
    /// `PATH` (not the service's), as Go's `exec.Command` does; with a slash it is used as is
    /// (relative to ``workingDirectory`` when relative).
    package var arguments: [String]
    /// The complete environment of the process (nothing is inherited from the daemon).
    package var environment: [String: String]
    /// The directory to start in; `nil` inherits the daemon's.
    package var workingDirectory: String?
    /// The user and group to run as (supplementary groups are dropped); `nil` keeps the daemon's.
    package var credentials: (uid: UInt32, gid: UInt32)?
    /// Where stdout and stderr go (both through one pipe, so their order is kept); `nil` sends
    /// them to `/dev/null`.
    package var output: (any OutputSink)?
    /// After the process exits, how long to wait for its output pipe to reach end-of-file (a
    /// background child may still hold it) before giving up on the rest, as Go's `WaitDelay`
    /// does: Pebble uses 90 % of the service's kill-delay. The exit is reported after that.
    package var outputDrainNanoseconds: UInt64
    /// Called once, from a background thread, with the exit code computed as Pebble's reaper
    /// does: the exit status, or 128 + the signal number when a signal killed the process (-1
    /// when someone else reaped it first). Output is complete by then.
    package var onExit: @Sendable (Int32) -> Void

    /// A spec with every part given.
    package init(
        arguments: [String],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        credentials: (uid: UInt32, gid: UInt32)? = nil,
        output: (any OutputSink)? = nil,
        outputDrainNanoseconds: UInt64 = SpawnSpec.defaultOutputDrainNanoseconds,
        onExit: @escaping @Sendable (Int32) -> Void = { _ in }
    ) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.credentials = credentials
        self.output = output
        self.outputDrainNanoseconds = outputDrainNanoseconds
        self.onExit = onExit
    }
}
